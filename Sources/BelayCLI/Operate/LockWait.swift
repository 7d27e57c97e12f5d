import ArgumentParser
import Belay
import BelayPostgres

/// `run --lock-wait 10m`: wait in the shared store's queue for the environment lock, saying where
/// the run stands while it waits.
enum LockWait {
    /// The duration, or nil without the flag. Exits 2 on a malformed one, or without a shared store.
    static func parse(_ text: String?, shared: Bool) throws -> Duration? {
        guard let text else { return nil }
        let units: [Character: Int64] = ["s": 1, "m": 60, "h": 3600]
        guard let unit = text.last.flatMap({ units[$0] }), let count = Int64(text.dropLast()), count >= 0 else {
            Terminal.printError("belay: --lock-wait \(text) is not a duration; write it like 90s, 10m or 1h")
            throw ExitCode(2)
        }
        guard shared else {
            Terminal.printError("belay: --lock-wait waits in a shared store's lock queue; name the store with --store postgres://…, "
                + "BELAY_STORE or `store:` in the playbook")
            throw ExitCode(2)
        }
        return .seconds(count * unit)
    }

    /// Queues, reports each change of place on stderr, and returns holding the lock.
    static func queue(_ locks: PostgresRunLocks, run: String, wait: Duration) async throws(EngineError) {
        try await locks.acquireWaiting(run: run, wait: wait) { report in
            var line = "belay: waiting for the lock \(report.lock): "
            line += report.ahead == 0 ? "next in the queue" : "\(report.ahead) ahead in the queue"
            if let holder = report.holder {
                line += "; held by \(holder)"
                if let expires = report.expires { line += ", lease until \(expires)" }
            }
            Terminal.printError(line)
        }
    }
}
