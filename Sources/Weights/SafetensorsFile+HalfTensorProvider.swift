import Tensor

/// Half-precision tensors served straight from the mapping: an F16 tensor costs no
/// memory of its own until its pages are read, and the mapping stays alive as long as
/// any storage viewing it.
extension SafetensorsFile: HalfTensorProvider {
    /// The F16 bits of `name` viewed in place (copied only when misaligned); nil for other dtypes.
    public func halfStorage(named name: String) throws -> HalfStorage? {
        let entry = try self.entry(name)
        guard entry.dtype == .f16 else { return nil }
        let raw = try rawBytes(of: name)
        let count = Tensor.count(of: entry.shape)
        markConsumed(name)
        if let base = raw.baseAddress, Int(bitPattern: base) % MemoryLayout<UInt16>.alignment == 0 {
            return HalfStorage(viewing: UnsafeBufferPointer(start: base.assumingMemoryBound(to: UInt16.self), count: count),
                               owner: mappingOwner)
        }
        // The format does not promise alignment; copy the rare misaligned tensor.
        return HalfStorage(bits: (0..<count).map { raw.loadUnaligned(fromByteOffset: 2 * $0, as: UInt16.self) })
    }
}
