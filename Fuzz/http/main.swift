import FuzzHarness

/// libFuzzer's entry point for the `http` target; see `FuzzTarget.http`.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    FuzzTarget.http.fuzz(Array(UnsafeBufferPointer(start: data, count: size)))
    return 0
}
