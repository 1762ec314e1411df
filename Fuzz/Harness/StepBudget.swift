import Synchronization

/// A countdown shared with the interpreter's cancellation poll; `Sendable` because the poll
/// is a `@Sendable` closure.
final class StepBudget: Sendable {
    private let remaining: Atomic<Int>

    /// A budget of `steps` polls.
    init(steps: Int) {
        remaining = Atomic(steps)
    }

    /// Spends one step; true once the budget is used up.
    func spend() -> Bool {
        remaining.subtract(1, ordering: .relaxed).newValue < 0
    }
}
