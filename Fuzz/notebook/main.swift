import FuzzHarness

/// libFuzzer's entry point for the `notebook` target; see `FuzzTarget.notebook`.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    FuzzTarget.notebook.fuzz(Array(UnsafeBufferPointer(start: data, count: size)))
    return 0
}
