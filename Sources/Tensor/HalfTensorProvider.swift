/// A `TensorProvider` that can hand out half-precision tensors without widening them,
/// so that a model can keep an fp16 checkpoint at half the memory of Float32.
public protocol HalfTensorProvider: TensorProvider {
    /// The stored IEEE half bits of `name`, or nil when it is not stored as F16 (then
    /// `tensor(named:)` gives its values). Throws when `name` is absent or unreadable.
    func halfStorage(named name: String) throws -> HalfStorage?
}
