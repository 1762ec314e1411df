/// The files of one Slurm submission (one wave): what `run --slurm` writes and reads, and what
/// each task (`run --slurm-task FOLDER`) reads and writes, named in one place.
struct SubmissionFolder {
    /// The folder, `.noisebook/slurm/DATE-PID` (or a `wave-N` inside it).
    let path: String

    /// The tasks, a line each: task N runs line N + 1.
    var taskList: String { path + "/notebooks.txt" }
    /// The batch script every task runs.
    var jobScript: String { path + "/job.sh" }
    /// The log of each task, as sbatch's `--output` pattern (`%a`: the array index).
    var logPattern: String { path + "/task-%a.log" }

    /// Task `index`'s log (what `logPattern` names for it).
    func log(_ index: Int) -> String { "\(path)/task-\(index).log" }
    /// Task `index`'s latest run event.
    func progress(_ index: Int) -> String { "\(path)/task-\(index).progress" }
    /// Task `index`'s own site, kept apart from the project's.
    func site(_ index: Int) -> String { "\(path)/site-\(index)" }
}
