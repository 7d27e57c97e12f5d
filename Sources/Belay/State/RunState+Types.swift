import Foundation

/// The values a run's state is made of: statuses, steps, phases, the failure that stopped it.
extension RunState {
    /// The `status` field of the status contract (docs/operate.md).
    public enum Status: String, Sendable, Hashable, Codable, CaseIterable {
        case running, paused, compensating, compensated, completed, failed, stuck
        case waitingApproval = "waiting_approval"
        case rolledBack = "rolled_back"
    }

    public enum PhaseStatus: String, Sendable, Hashable, Codable, CaseIterable {
        case pending, running, completed, failed, skipped, compensating, compensated
    }

    public enum StepStatus: String, Sendable, Hashable, Codable, CaseIterable {
        case pending, running, succeeded, failed, skipped, compensated
        case compensationFailed = "compensation_failed"
    }

    /// How far a step's compensation went.
    public enum Compensation: String, Sendable, Hashable, Codable, CaseIterable {
        case notStarted = "not_started"
        case started, succeeded, failed
        /// The step has no compensation (irreversible): nothing to undo.
        case skipped
        /// An operator marked it done by hand (resolved).
        case resolved
    }

    /// A step by its phase and id.
    public struct StepKey: Sendable, Hashable, CustomStringConvertible {
        public var phase: String
        public var step: String
        public init(phase: String, step: String) {
            self.phase = phase
            self.step = step
        }
        public var description: String { "\(phase)/\(step)" }
    }

    public struct StepState: Sendable, Hashable {
        public var id: String
        public var status: StepStatus = .pending
        /// Tries of the forward action (`run`) so far.
        public var attempts: Int = 0
        /// From `step_started` to its outcome, once known.
        public var durationMs: Int64?
        public var outputs: [String: String] = [:]
        public var value: String?
        public var error: String?
        /// The log of the last action attempt (relative to the workspace).
        public var log: String?
        /// A non-critical failure: recorded, and the run went on.
        public var warning = false
        /// Failed because an interruption left its outcome unknown (no verify, not idempotent): it may
        /// have been applied, so it must not run again; `resume` compensates it instead.
        public var outcomeUnknown = false
        public var compensation: Compensation = .notStarted
        public var compensationAttempts = 0
        public var compensationError: String?
        public var compensationLog: String?
        public var compensationDurationMs: Int64?
        /// What the operator did by hand when resolving it, and who.
        public var resolvedNote: String?
        public var resolvedBy: String?
        /// A `step_started` has been folded: the step is in `startedSteps`, once.
        var hasStarted = false
        /// Started and no outcome recorded (the process died in between).
        public var isInFlight: Bool { status == .running }
    }

    public struct PhaseState: Sendable, Hashable {
        public var id: String
        public var name: String?
        public var parallel = false
        public var status: PhaseStatus = .pending
        /// The commit of the rollback point recorded after the phase completed.
        public var checkpoint: String?
        /// Why the phase was skipped (a phase selection).
        public var skipNote: String?
        public var steps: [StepState] = []
        public var title: String { name ?? id }
    }

    /// The failure that ended forward progress.
    public struct Failure: Sendable, Hashable {
        /// Where it failed: a step, or the engine's own work around the steps.
        public enum Site: Sendable, Hashable, CustomStringConvertible {
            case step(StepKey)
            /// The rollback point named could not be recorded.
            case checkpoint(point: String)
            /// The journal could not be written.
            case journal

            /// As the journal's `failed_step` field writes it (`phase/step`, `<point>/checkpoint`).
            public var description: String {
                switch self {
                case .step(let key): key.description
                case .checkpoint(let point): "\(point)/checkpoint"
                case .journal: "journal"
                }
            }
        }

        public var site: Site
        public var error: String
        public var log: String?

        public init(site: Site, error: String, log: String? = nil) {
            self.site = site
            self.error = error
            self.log = log
        }

        public init(step: StepKey, error: String, log: String? = nil) {
            self.init(site: .step(step), error: error, log: log)
        }

        /// The step that failed, when a step did.
        public var step: StepKey? {
            if case .step(let key) = site { key } else { nil }
        }
    }

    /// A `lock_released` event: who freed the run's lock, when, and why.
    public struct LockRelease: Sendable, Hashable {
        public var lock: String
        public var by: String
        public var time: String
        public var note: String
    }
}
