import FuzzHarness

/// libFuzzer's entry point for the `npy` target; see `FuzzTarget.npy`.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    FuzzTarget.npy.fuzz(Array(UnsafeBufferPointer(start: data, count: size)))
    return 0
}
