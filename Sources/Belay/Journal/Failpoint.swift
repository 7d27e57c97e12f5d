import Foundation

/// A crash switch for tests: `BELAY_FAILPOINT=<event>:<n>` makes the process exit with status 137
/// (as if killed by SIGKILL) right after the n-th durable event of that name.
///
/// Tests use it to crash the engine at every event boundary and check that `resume` recovers, the way
/// FoundationDB and TiKV test theirs. It is inert unless the variable is set.
struct Failpoint: Sendable {
    let event: String
    let count: Int

    /// The failpoint named by the environment, if any.
    static let fromEnvironment: Failpoint? = {
        guard let spec = ProcessInfo.processInfo.environment["BELAY_FAILPOINT"], !spec.isEmpty else { return nil }
        let parts = spec.split(separator: ":", maxSplits: 1).map(String.init)
        guard let event = parts.first, !event.isEmpty else { return nil }
        let count = parts.count > 1 ? Int(parts[1]) ?? 1 : 1
        return Failpoint(event: event, count: max(1, count))
    }()

    /// Called after an event is durable; `seen` is how many events of that name this process wrote.
    func check(event name: String, seen: Int) {
        guard name == event, seen == count else { return }
        FileHandle.standardError.write(Data("belay: failpoint \(event):\(count) reached, exiting\n".utf8))
        _exit(137)
    }
}
