import FuzzHarness

/// libFuzzer's entry point for the `spiece` target; see `FuzzTarget.spiece`.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    FuzzTarget.spiece.fuzz(Array(UnsafeBufferPointer(start: data, count: size)))
    return 0
}
