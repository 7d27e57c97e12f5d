import Dispatch
import Foundation
import Synchronization

/// An operator's request to stop a run (SIGINT, SIGTERM, or code), in two levels (docs/operate.md):
/// the first lets the step(s) in flight finish and then pauses the run; the second kills the
/// in-flight process groups, whose outcome is then recorded as unknown.
///
/// Step processes run in their own process groups, so a terminal's Ctrl-C reaches only Belay,
/// never the steps: they finish undisturbed unless the operator insists.
///
/// ```swift
/// let interruption = RunInterruption()
/// let watch = interruption.watchSignals { level in print(level == .pause ? "pausing…" : "killing…") }
/// var options = RunOptions()
/// options.interruption = interruption
/// ```
public final class RunInterruption: Sendable {
    public enum Level: Int, Sendable, Comparable {
        case none, pause, kill
        public static func < (lhs: Level, rhs: Level) -> Bool { lhs.rawValue < rhs.rawValue }
    }

    private struct State {
        var level: Level = .none
        var signal: Int32?
        var groups: Set<pid_t> = []
    }

    private let state = Mutex(State())

    public init() {}

    public var level: Level { state.withLock { $0.level } }
    public var isRequested: Bool { level != .none }
    public var isKilling: Bool { level == .kill }

    /// How the request came, for the journal: "SIGINT", "SIGTERM" or "a request".
    public var reason: String {
        switch state.withLock({ $0.signal }) {
        case SIGINT: "SIGINT (Ctrl-C)"
        case SIGTERM: "SIGTERM"
        case let other?: "signal \(other)"
        case nil: "a request"
        }
    }

    /// Raises the level by one (pause, then kill) and returns the new level. At `kill`, every
    /// registered process group gets SIGKILL.
    @discardableResult
    public func request(signal: Int32? = nil) -> Level {
        let (level, groups) = state.withLock { state in
            state.level = state.level == .none ? .pause : .kill
            if state.signal == nil { state.signal = signal }
            return (state.level, state.groups)
        }
        if level == .kill { for group in groups { kill(-group, SIGKILL) } }
        return level
    }

    /// A step's process group is running; it is killed at once if the operator already insisted.
    func register(group: pid_t) {
        guard group > 1 else { return }
        let killNow = state.withLock { state in
            state.groups.insert(group)
            return state.level == .kill
        }
        if killNow { kill(-group, SIGKILL) }
    }

    func unregister(group: pid_t) {
        _ = state.withLock { $0.groups.remove(group) }
    }

    /// Turns SIGINT and SIGTERM into requests for as long as the returned watch is kept.
    /// `onRequest` is told each new level (on a background queue), to tell the operator.
    public func watchSignals(onRequest: @escaping @Sendable (Level) -> Void) -> SignalWatch {
        SignalWatch(signals: [SIGINT, SIGTERM]) { [self] number in
            onRequest(request(signal: number))
        }
    }
}

/// Dispatch signal sources that stay installed while this value lives; the default handlers come
/// back when it is released.
public final class SignalWatch: @unchecked Sendable {
    // Only touched in init and deinit.
    private var sources: [any DispatchSourceSignal] = []
    private let numbers: [Int32]

    init(signals: [Int32], handler: @escaping @Sendable (Int32) -> Void) {
        numbers = signals
        for number in signals {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { handler(number) }
            source.resume()
            sources.append(source)
        }
    }

    deinit {
        for source in sources { source.cancel() }
        for number in numbers { signal(number, SIG_DFL) }
    }
}
