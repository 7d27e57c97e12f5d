import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// What the shared-store tests share: a database of the suite's server, playbooks that lock, and
/// runners started in the background.
extension SharedStoreTests {
    /// A fresh database of the suite's server, as a store URL with a short lease.
    func storeURL(lease: String = "2s") throws -> (PostgresServer, String, String) {
        let server = try PostgresServer.suite()
        let database = try server.createDatabase()
        return (server, database, server.url(database: database) + "?lease=\(lease)")
    }

    /// A playbook whose steps act outside the workspace (on the trace) unless told otherwise.
    func sharedPlaybook(lock: String, _ phases: String...) -> String {
        "name: shared\nlock: \(lock)\ndefaults:\n  retry: { attempts: 1, delay: 10ms }\nphases:\n" + phases.joined()
    }

    func start(_ fixture: RunFixture, _ arguments: [String], environment: [String: String] = [:]) throws -> (Process, URL) {
        let out = fixture.root.appendingPathComponent("live-\(UUID().uuidString)")
        _ = FileManager.default.createFile(atPath: out.path, contents: nil)
        let handle = try FileHandle(forWritingTo: out)
        let process = try Tool.start(
            belayBinary, arguments, in: fixture.root, environment: environment.merging(["TRACE": fixture.trace.path]) { a, _ in a },
            stdout: handle, stderr: handle)
        return (process, out)
    }

    func waitFor(_ path: String, timeout: Double = 20) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if FileManager.default.fileExists(atPath: path) { return true }
            usleep(20_000)
        }
        return false
    }

    /// The run's events as `belay log --json` prints them from `fixture`.
    func storedEvents(_ run: String, _ fixture: RunFixture, url: String) throws -> [[String: Any]] {
        let log = try fixture.belay(["log", run, "--store", url, "--workspace", fixture.workspace.path, "--json"])
        return try #require(try JSONSerialization.jsonObject(with: Data(log.stdout.utf8)) as? [[String: Any]], "\(log.output)")
    }

    /// A machine dies: its Belay and the step it ran (whose group id the step wrote to `group`).
    func killMachine(_ process: Process, group: String) {
        kill(process.processIdentifier, SIGKILL)
        if let text = try? String(contentsOfFile: group, encoding: .utf8), let leader = Int32(text.trimmingCharacters(in: .whitespacesAndNewlines)) {
            kill(-leader, SIGKILL)
        }
        process.waitUntilExit()
    }

    /// The output a background runner wrote so far.
    func said(_ out: URL) -> String { (try? String(contentsOf: out, encoding: .utf8)) ?? "" }

    /// Runs `belay <arguments>` until it does not exit 4 (a lock whose lease has not lapsed yet).
    func whenUnlocked(_ fixture: RunFixture, _ arguments: [String], environment: [String: String] = [:]) throws -> ToolResult {
        let deadline = Date().addingTimeInterval(60)
        while true {
            let result = try fixture.belay(arguments, environment: environment)
            if result.status != 4 || Date() >= deadline { return result }
            usleep(250_000)
        }
    }
}
