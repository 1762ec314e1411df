import FuzzHarness

/// libFuzzer's entry point for the `png` target; see `FuzzTarget.png`.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    FuzzTarget.png.fuzz(Array(UnsafeBufferPointer(start: data, count: size)))
    return 0
}
