/// Where a Winograd input transform puts V: element by element, and within an element the
/// `[Cin, tiles]` right operand of its product either whole (rows `tiles` apart) or cut into
/// column panels of `panel` tiles, `[panels, Cin, panel]`, the layout CSGEMM's SIMD kernels pack
/// their right operand into. Made in panels, it is read in place (`nb_sgemm_panels`): every
/// element product's copy of its operand is saved (6% of an IF-I-M forward, measured with perf).
struct WinogradInputLayout: Equatable {
    /// Input channels (rows of each element's operand).
    let channels: Int
    /// Tiles (its columns).
    let tiles: Int
    /// Tiles per column panel: `tiles` when whole.
    let panel: Int

    /// Each element's operand whole: `[elements, Cin, tiles]`.
    static func whole(channels: Int, tiles: Int) -> WinogradInputLayout {
        WinogradInputLayout(channels: channels, tiles: tiles, panel: Swift.max(tiles, 1))
    }

    /// In `kernel`'s panels where it packs any (CSGEMM's SIMD kernels), else whole.
    static func forKernel(_ kernel: Float32Kernel, channels: Int, tiles: Int) -> WinogradInputLayout {
        kernel.panelWidth > 1 ? WinogradInputLayout(channels: channels, tiles: tiles, panel: kernel.panelWidth)
                              : whole(channels: channels, tiles: tiles)
    }

    /// Whether the operand is cut into panels (else rows `tiles` apart).
    var isPanelled: Bool { panel != Swift.max(tiles, 1) }

    /// Column panels per element.
    var panels: Int { (tiles + panel - 1) / panel }

    /// Floats from one panel to the next.
    var panelStride: Int { channels * panel }

    /// Floats from one element's operand to the next.
    var elementStride: Int { panels * panelStride }

    /// Floats in all `elements` operands.
    func count(elements: Int) -> Int { elements * elementStride }

    /// Offset of channel `c`'s row within an element's first panel.
    func channelOffset(_ c: Int) -> Int { c * panel }

    /// Zeros in the last panel's columns past `tiles` for channels `range`, which the kernels
    /// read and never use (garbage there could hold values that slow the arithmetic, such as
    /// subnormals).
    func zeroPadding(_ v: UnsafeMutablePointer<Float>, elements: Int, channels range: Range<Int>) {
        let used = tiles - (panels - 1) * panel
        guard isPanelled, used < panel else { return }
        for e in 0..<elements {
            let last = v + e * elementStride + (panels - 1) * panelStride
            for c in range { (last + c * panel + used).initialize(repeating: 0, count: panel - used) }
        }
    }
}
