import Dispatch
import Foundation

/// SIGINT handling: the first Ctrl-C asks the run to stop at the next statement or model
/// step (finished cells stay cached); a second one exits at once.
final class Interrupt: @unchecked Sendable {
    private let lock = NSLock()
    private var requested = false
    private var source: DispatchSourceSignal?

    /// Whether an interrupt was requested.
    var isRequested: Bool { lock.withLock { requested } }

    /// Installs the handler and returns its state.
    static func install() -> Interrupt {
        let interrupt = Interrupt()
        signal(SIGINT, SIG_IGN)
        let source = DispatchSource.makeSignalSource(signal: SIGINT, queue: .global())
        source.setEventHandler { [interrupt] in
            let again = interrupt.lock.withLock { () -> Bool in
                defer { interrupt.requested = true }
                return interrupt.requested
            }
            if again {
                printError("\nnoisebook: interrupted again; exiting now")
                exit(ExitCode.interrupted)
            }
            printError("\nnoisebook: stopping after the current step (Ctrl-C again to quit now)")
        }
        source.resume()
        interrupt.source = source
        return interrupt
    }
}
