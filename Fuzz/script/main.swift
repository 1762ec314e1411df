import FuzzHarness

/// libFuzzer's entry point for the `script` target; see `FuzzTarget.script`.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    FuzzTarget.script.fuzz(Array(UnsafeBufferPointer(start: data, count: size)))
    return 0
}
