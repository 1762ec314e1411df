/// A notebook's cells left to compute, as `Runner.plan` finds them.
public struct NotebookPlan: Sendable, Equatable {
    /// The notebook's path.
    public let notebook: String
    /// Cell index (0-based) -> wave (1 first) of each cell left to compute.
    public let waves: [Int: Int]
    /// The cells left to compute that run the model: the expensive ones.
    public let modelCells: Set<Int>

    /// The pending cells of each wave, in order: `[[0, 2], [3]]`.
    public var cellsByWave: [[Int]] {
        guard let last = waves.values.max() else { return [] }
        return (1...last).map { wave in waves.filter { $0.value == wave }.map(\.key).sorted() }
    }

    /// Whether some wave has several cells that run the model, so that running cells as
    /// tasks of their own pays for the model loads it adds.
    public var hasIndependentModelCells: Bool { cellsByWave.contains { $0.filter(modelCells.contains).count > 1 } }
}
