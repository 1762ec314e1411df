import XCTest

final class ImagingTestsPlaceholder: XCTestCase {}
