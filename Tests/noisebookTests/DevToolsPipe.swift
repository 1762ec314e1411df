import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Headless Chromium driven over its DevTools protocol on a pipe (`--remote-debugging-pipe`:
/// commands on fd 3, replies on fd 4, each a JSON message ended by NUL), enough to open a
/// page and read its text while it changes. No network port is opened for the protocol.
final class DevToolsPipe {
    private var pid: pid_t = 0
    private let toBrowser: Int32
    private let fromBrowser: Int32
    private var nextID = 1
    private var pending = [UInt8]()

    init(chromium: String, profile: String) throws {
        var input: [Int32] = [0, 0], output: [Int32] = [0, 0]
        guard pipe(&input) == 0, pipe(&output) == 0 else { throw Failure("pipe failed") }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        posix_spawn_file_actions_adddup2(&actions, input[0], 3)
        posix_spawn_file_actions_adddup2(&actions, output[1], 4)
        let devNull = Glibc.open("/dev/null", O_WRONLY)
        posix_spawn_file_actions_adddup2(&actions, devNull, 1)
        posix_spawn_file_actions_adddup2(&actions, devNull, 2)
        let arguments = [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--remote-debugging-pipe",
                         "--user-data-dir=" + profile, "--no-first-run"] + Self.offline + ["about:blank"]
        var argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) }
        argv.append(nil)
        let status = posix_spawn(&pid, chromium, &actions, nil, argv, environ)
        posix_spawn_file_actions_destroy(&actions)
        for p in argv { free(p) }
        close(input[0]); close(output[1]); close(devNull)
        guard status == 0 else { throw Failure("cannot start \(chromium): \(status)") }
        toBrowser = input[1]
        fromBrowser = output[0]
    }

    /// Flags that keep the browser from contacting any host but the page under test: no
    /// background requests (component, safe-browsing and variations updates, sync, metrics,
    /// crash reports, domain reliability, hyperlink pings, optimization hints, translation), no
    /// proxy, and no name resolution other than for loopback, so that a request that would
    /// leave the machine fails at once instead of going out.
    static let offline = [
        "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-default-apps",
        "--disable-extensions", "--disable-breakpad", "--disable-crash-reporter", "--disable-domain-reliability",
        "--disable-client-side-phishing-detection", "--safebrowsing-disable-auto-update", "--metrics-recording-only",
        "--no-default-browser-check", "--no-pings", "--no-proxy-server",
        "--disable-features=OptimizationHints,MediaRouter,Translate,AutofillServerCommunication,CertificateTransparencyComponentUpdater",
        "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE localhost",
    ]

    deinit {
        close(toBrowser)
        close(fromBrowser)
        kill(pid, SIGKILL)
        var status: Int32 = 0
        waitpid(pid, &status, 0)
    }

    /// Sends `method` with `params` (to `session` when given) and returns the reply's result.
    @discardableResult
    func call(_ method: String, _ params: [String: Any] = [:], session: String? = nil) throws -> [String: Any] {
        let id = nextID
        nextID += 1
        var message: [String: Any] = ["id": id, "method": method, "params": params]
        if let session { message["sessionId"] = session }
        var bytes = [UInt8](try JSONSerialization.data(withJSONObject: message))
        bytes.append(0)
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { write(toBrowser, $0.baseAddress, $0.count) }
            guard written > 0 else { throw Failure("the browser closed its pipe") }
            offset += written
        }
        while true {
            let reply = try readMessage()
            guard reply["id"] as? Int == id else { continue }     // an event, or another reply
            if let error = reply["error"] { throw Failure("\(method): \(error)") }
            return reply["result"] as? [String: Any] ?? [:]
        }
    }

    /// Opens `url` in a new tab and returns the session to talk to it.
    func open(_ url: String) throws -> String {
        let target = try call("Target.createTarget", ["url": url])
        guard let targetID = target["targetId"] as? String else { throw Failure("no target for \(url)") }
        let attached = try call("Target.attachToTarget", ["targetId": targetID, "flatten": true])
        guard let session = attached["sessionId"] as? String else { throw Failure("cannot attach to \(url)") }
        return session
    }

    /// The value of a JavaScript expression in the page.
    func evaluate(_ expression: String, session: String) throws -> Any? {
        let result = try call("Runtime.evaluate", ["expression": expression, "returnByValue": true], session: session)
        return (result["result"] as? [String: Any])?["value"]
    }

    private func readMessage() throws -> [String: Any] {
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            if let end = pending.firstIndex(of: 0) {
                let message = Array(pending[..<end])
                pending.removeFirst(end + 1)
                return (try JSONSerialization.jsonObject(with: Data(message))) as? [String: Any] ?? [:]
            }
            let count = read(fromBrowser, &chunk, chunk.count)
            guard count > 0 else { throw Failure("the browser closed its pipe") }
            pending.append(contentsOf: chunk[0..<count])
        }
    }

    struct Failure: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }
}
