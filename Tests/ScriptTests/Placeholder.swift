import XCTest

final class ScriptTestsPlaceholder: XCTestCase {}
