/// A job array handed to Slurm: submitted with `sbatch`, watched with `scontrol`, cancelled
/// with `scancel`.
public struct SlurmJob: Sendable {
    /// Slurm's job id of the array.
    public let id: String
    /// How many tasks it has (indices 0..<count).
    public let count: Int
    private let tool: SlurmTool

    /// What a submission asks of the scheduler beyond the script.
    public struct Request: Sendable {
        /// `--partition`.
        public var partition: String?
        /// `--time` (Slurm's formats: minutes, `H:MM:SS`, `D-HH`...).
        public var time: String?
        /// `--cpus-per-task`.
        public var cpusPerTask: Int?
        /// Further `sbatch` options, passed as they are.
        public var extra: [String] = []
        /// `--job-name`.
        public var name = "noisebook"

        /// An empty request: the cluster's defaults.
        public init() {}

        /// The `sbatch` options for an array of `count` tasks writing their output to
        /// `logPattern` (`%a` is the task index).
        func arguments(count: Int, logPattern: String) -> [String] {
            var arguments = ["--parsable", "--array=0-\(count - 1)", "--job-name=\(name)", "--output=\(logPattern)"]
            if let partition { arguments.append("--partition=\(partition)") }
            if let time { arguments.append("--time=\(time)") }
            if let cpusPerTask { arguments.append("--cpus-per-task=\(cpusPerTask)") }
            return arguments + extra
        }
    }

    /// Submits `script` as an array of `count` tasks; each task's output goes to
    /// `logPattern` (`%a` is the task index).
    public static func submit(script: String, count: Int, logPattern: String, request: Request, tool: SlurmTool) throws -> SlurmJob {
        let arguments = request.arguments(count: count, logPattern: logPattern) + [script]
        let output = try tool.run("sbatch", arguments)
        // --parsable prints "JOBID" or "JOBID;CLUSTER".
        let id = output.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: ";").first.map(String.init) ?? ""
        guard !id.isEmpty, id.allSatisfy(\.isNumber) else {
            throw SlurmError.unreadable(command: "sbatch " + arguments.joined(separator: " "), output: output)
        }
        return SlurmJob(id: id, count: count, tool: tool)
    }

    /// A job already submitted.
    public init(id: String, count: Int, tool: SlurmTool) {
        self.id = id
        self.count = count
        self.tool = tool
    }

    /// The state of every task Slurm still knows; a job it has forgotten (finished longer
    /// than its `MinJobAge` ago) gives an empty map.
    public func tasks() throws -> [Int: ArrayTask] {
        do {
            return ArrayTask.parse(try tool.run("scontrol", ["show", "job", "--oneliner", id]), job: id)
        } catch SlurmError.failed(_, _, let output) where output.contains("Invalid job id") {
            return [:]
        }
    }

    /// Cancels every task that has not finished.
    public func cancel() throws {
        _ = try tool.run("scancel", [id])
    }
}
