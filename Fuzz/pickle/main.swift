import FuzzHarness

/// libFuzzer's entry point for the `pickle` target; see `FuzzTarget.pickle`.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    FuzzTarget.pickle.fuzz(Array(UnsafeBufferPointer(start: data, count: size)))
    return 0
}
