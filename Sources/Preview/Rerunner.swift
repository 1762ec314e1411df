import Foundation

/// The one run a preview has going: started in the background, asked to stop at its next
/// step when the files change, and started again once it has stopped.
public final class Rerunner: @unchecked Sendable {
    private let lock = NSLock()
    private var work: @Sendable () -> Void = {}
    private var running = false
    private var restart = false
    private var again = false
    private var page = "*"

    /// A rerunner with nothing started yet.
    public init() {}

    /// True while a restart (or the end) is asked for: the running work stops at its next step.
    public var restartRequested: Bool { lock.withLock { restart } }

    /// The page whose notebook runs now, for progress events ("*" before the first).
    public var currentPage: String {
        get { lock.withLock { page } }
        set { lock.withLock { page = newValue } }
    }

    /// Runs `work` (a whole run, which polls `restartRequested` to stop early) in the
    /// background, and again after it whenever a restart came meanwhile.
    public func start(_ work: @escaping @Sendable () -> Void) {
        lock.withLock { self.work = work }
        run()
    }

    private func run() {
        lock.withLock { running = true; restart = false }
        let work = lock.withLock { self.work }
        let thread = Thread { [self] in
            work()
            let next = lock.withLock { () -> Bool in
                running = false
                defer { again = false }
                return again
            }
            if next { run() }
        }
        thread.start()
    }

    /// Stops the running work at its next step and starts it again (or starts it now).
    public func restartRun() {
        let idle = lock.withLock { () -> Bool in
            if running { restart = true; again = true }
            return !running
        }
        if idle { run() }
    }

    /// Stops the running work and waits for it.
    public func stopAndWait() {
        lock.withLock { restart = true; again = false }
        while lock.withLock({ running }) { Thread.sleep(forTimeInterval: 0.05) }
    }
}
