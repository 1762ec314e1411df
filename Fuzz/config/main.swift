import FuzzHarness

/// libFuzzer's entry point for the `config` target; see `FuzzTarget.config`.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    FuzzTarget.config.fuzz(Array(UnsafeBufferPointer(start: data, count: size)))
    return 0
}
