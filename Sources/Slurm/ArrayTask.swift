/// One task of a Slurm job array as `scontrol show job` reports it.
public struct ArrayTask: Sendable, Equatable {
    /// The task's index in the array (`SLURM_ARRAY_TASK_ID`).
    public var index: Int
    /// Slurm's state name: PENDING, RUNNING, COMPLETED, FAILED, CANCELLED, TIMEOUT,
    /// NODE_FAIL, OUT_OF_MEMORY, PREEMPTED...
    public var state: String
    /// Why Slurm holds or ended it (`Reason=`), nil for "None".
    public var reason: String?
    /// The exit status and signal, `status:signal` (`ExitCode=`).
    public var exitCode: String?
    /// The task's standard output file (`StdOut=`).
    public var log: String?

    /// Creates a task record.
    public init(index: Int, state: String, reason: String? = nil, exitCode: String? = nil, log: String? = nil) {
        self.index = index
        self.state = state
        self.reason = reason
        self.exitCode = exitCode
        self.log = log
    }

    /// The states a task does not leave.
    public static let finalStates: Set<String> = ["COMPLETED", "FAILED", "CANCELLED", "TIMEOUT", "NODE_FAIL", "OUT_OF_MEMORY",
                                                  "PREEMPTED", "BOOT_FAIL", "DEADLINE", "SPECIAL_EXIT"]

    /// Whether the task is over, one way or another.
    public var isFinished: Bool { Self.finalStates.contains(state) }

    /// Whether it ended well.
    public var succeeded: Bool { state == "COMPLETED" }

    /// What went wrong, in Slurm's words: the state, the exit status when it has one, and
    /// the reason.
    public var failure: String {
        var text = state
        if let exitCode, exitCode != "0:0" { text += ", exit code \(exitCode)" }
        if let reason { text += " (\(reason))" }
        return text
    }

    /// The tasks of job `job` in the output of `scontrol show job --oneliner JOB`: one line
    /// per record; a record of still-pending tasks covers several (`ArrayTaskId=2-4,7`).
    /// Records of other jobs are left out.
    public static func parse(_ output: String, job: String) -> [Int: ArrayTask] {
        var tasks = [Int: ArrayTask]()
        for line in output.split(whereSeparator: \.isNewline) {
            let fields = Self.fields(of: String(line))
            guard fields["ArrayJobId"] == job || (fields["ArrayJobId"] == nil && fields["JobId"] == job),
                  let state = fields["JobState"] else { continue }
            let reason = fields["Reason"].flatMap { $0 == "None" ? nil : $0 }
            for index in indices(fields["ArrayTaskId"] ?? "0") {
                tasks[index] = ArrayTask(index: index, state: state, reason: reason, exitCode: fields["ExitCode"],
                                         log: fields["StdOut"])
            }
        }
        return tasks
    }

    /// `Key=Value` pairs of one line; a word without `=` continues the value before it
    /// (values such as `Reason=` may hold spaces).
    static func fields(of line: String) -> [String: String] {
        var fields = [String: String]()
        var lastKey: String?
        for word in line.split(separator: " ", omittingEmptySubsequences: true) {
            if let equals = word.firstIndex(of: "="), word[..<equals].allSatisfy({ $0.isLetter || $0.isNumber || $0 == ":" || $0 == "/" }),
               word.startIndex != equals {
                let key = String(word[..<equals])
                fields[key] = String(word[word.index(after: equals)...])
                lastKey = key
            } else if let key = lastKey {
                fields[key, default: ""] += " " + word
            }
        }
        return fields
    }

    /// The indices of an `ArrayTaskId` value: `3`, `2-4`, `1,3,5-7`, with an optional
    /// `%limit` (and a step `:2`) after the ranges.
    static func indices(_ text: String) -> [Int] {
        let ranges = text.split(separator: "%").first ?? ""
        var indices = [Int]()
        for part in ranges.split(separator: ",") {
            let stepParts = part.split(separator: ":")
            let step = stepParts.count == 2 ? Int(stepParts[1]) ?? 1 : 1
            let bounds = stepParts[0].split(separator: "-").compactMap { Int($0) }
            if bounds.count == 1 { indices.append(bounds[0]) }
            if bounds.count == 2, bounds[0] <= bounds[1], step > 0 { indices += Array(stride(from: bounds[0], through: bounds[1], by: step)) }
        }
        return indices
    }
}
