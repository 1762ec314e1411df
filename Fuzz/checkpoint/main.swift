import FuzzHarness

/// libFuzzer's entry point for the `checkpoint` target; see `FuzzTarget.checkpoint`.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    FuzzTarget.checkpoint.fuzz(Array(UnsafeBufferPointer(start: data, count: size)))
    return 0
}
