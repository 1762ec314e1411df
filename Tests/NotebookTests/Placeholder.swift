import XCTest

final class NotebookTestsPlaceholder: XCTestCase {}
