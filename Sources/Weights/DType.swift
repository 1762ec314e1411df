/// The element types a safetensors header may name, spelled as the format spells them.
///
/// Every type can be listed and skipped; only `F32`, `F16` and `BF16` can be widened to the
/// Float32 that `Tensor` holds.
public enum DType: String, Sendable, CaseIterable {
    /// 32-bit IEEE float.
    case f32 = "F32"
    /// 16-bit IEEE float (half).
    case f16 = "F16"
    /// bfloat16: the top half of a Float32.
    case bf16 = "BF16"
    /// 64-bit IEEE float.
    case f64 = "F64"
    /// Booleans, one byte each.
    case bool = "BOOL"
    /// Unsigned and signed integers.
    case u8 = "U8", i8 = "I8", u16 = "U16", i16 = "I16", u32 = "U32", i32 = "I32", u64 = "U64", i64 = "I64"
    /// 8-bit floats.
    case f8e4m3 = "F8_E4M3", f8e5m2 = "F8_E5M2"

    /// Bytes per element.
    public var byteWidth: Int {
        switch self {
        case .bool, .u8, .i8, .f8e4m3, .f8e5m2: return 1
        case .f16, .bf16, .u16, .i16: return 2
        case .f32, .u32, .i32: return 4
        case .f64, .u64, .i64: return 8
        }
    }

    /// Whether `widen` can turn this type into Float32.
    public var isWidenable: Bool { self == .f32 || self == .f16 || self == .bf16 }
}
