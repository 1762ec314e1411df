import FuzzHarness

/// libFuzzer's entry point for the `shardindex` target; see `FuzzTarget.shardindex`.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    FuzzTarget.shardindex.fuzz(Array(UnsafeBufferPointer(start: data, count: size)))
    return 0
}
