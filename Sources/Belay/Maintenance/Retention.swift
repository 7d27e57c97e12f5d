import Foundation

/// Which runs `belay gc` keeps: a run goes only when both rules let it go (older than `keepDays`
/// and not among the newest `keepRuns`), it has finished, and no run that stays depends on it.
public struct Retention: Sendable, Hashable {
    /// Runs whose last event is younger than this many days stay.
    public var keepDays: Int
    /// The newest this many runs stay, however old.
    public var keepRuns: Int

    /// Seven days, like the rollback points a deploy may still need; twenty runs, a few weeks of
    /// daily deploys.
    public static let defaultKeepDays = 7
    public static let defaultKeepRuns = 20

    public init(keepDays: Int = Retention.defaultKeepDays, keepRuns: Int = Retention.defaultKeepRuns) {
        self.keepDays = max(0, keepDays)
        self.keepRuns = max(0, keepRuns)
    }

    /// Why a run stays.
    public enum Reason: String, Sendable, Hashable {
        /// Among the newest `keepRuns`.
        case recent
        /// Its last event is younger than `keepDays`.
        case young
        /// Running, paused, compensating, stuck or waiting for approval: resume or rollback needs it.
        case unfinished
        /// An unfinished run's workspace changes are explained by this run (the run that wrote last
        /// after it): `resume` and `rollback` of that run name it.
        case laterRunOfUnfinished = "later_run_of_unfinished"
        /// Its journal cannot be read: nothing is removed on a guess.
        case unreadable
    }

    /// A run as retention sees it.
    public struct Run: Sendable, Hashable {
        public var id: String
        /// Nil when the journal could not be read.
        public var status: RunState.Status?
        /// The time of its last event.
        public var lastEvent: Date?

        public init(id: String, status: RunState.Status?, lastEvent: Date?) {
            self.id = id
            self.status = status
            self.lastEvent = lastEvent
        }

        public var isFinished: Bool {
            switch status {
            case .completed, .compensated, .failed, .rolledBack: true
            case .running, .paused, .compensating, .stuck, .waitingApproval, nil: false
            }
        }
    }

    /// The reason each run of `runs` (oldest first) stays, or nil for a run that may go.
    /// `laterRuns` names the run that wrote to the workspace last after a given run (all of them
    /// when their last commits share a second: which one was last cannot be told apart).
    public func decide(_ runs: [Run], now: Date, laterRuns: (String) -> [String]) -> [String: Reason?] {
        let cutoff = now.addingTimeInterval(-Double(keepDays) * 86_400)
        var reasons: [String: Reason?] = [:]
        for (position, run) in runs.enumerated() {
            if run.status == nil {
                reasons[run.id] = .unreadable
            } else if !run.isFinished {
                reasons[run.id] = .unfinished
            } else if position >= runs.count - keepRuns {
                reasons[run.id] = .recent
            } else if let last = run.lastEvent, last > cutoff {
                reasons[run.id] = .young
            } else if run.lastEvent == nil {
                reasons[run.id] = .unreadable
            } else {
                reasons[run.id] = .some(nil)
            }
        }
        for run in runs where !run.isFinished && run.status != nil {
            for later in laterRuns(run.id) {
                if case .some(.none) = reasons[later] { reasons[later] = .laterRunOfUnfinished }
            }
        }
        return reasons
    }
}
