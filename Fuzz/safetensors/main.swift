import FuzzHarness

/// libFuzzer's entry point for the `safetensors` target; see `FuzzTarget.safetensors`.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    FuzzTarget.safetensors.fuzz(Array(UnsafeBufferPointer(start: data, count: size)))
    return 0
}
