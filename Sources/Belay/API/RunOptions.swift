import Foundation

/// What to do when a critical step fails.
public enum FailurePolicy: String, Sendable, Hashable, CaseIterable, Codable {
    /// Compensate every started step, newest first, then restore the workspace to the `start` point.
    case compensate
    /// Stop and wait for a resume or a rollback.
    case pause
    /// Stop without compensating.
    case stop
}

/// Per-run settings.
public struct RunOptions: Sendable {
    /// The run's id; a new sortable one when `nil`.
    public var runID: String?
    public var onFailure: FailurePolicy
    /// Called after each event is durable, in journal order (for live output).
    public var observer: (@Sendable (JournalEvent) -> Void)?
    /// After SIGTERM on a timeout, how long a process group gets before SIGKILL.
    public var killGrace: Duration
    /// Where secret values are looked up (default: this process's environment).
    public var environment: [String: String]
    /// Evaluates gate steps and answers approval steps; `nil`: `StandardGateSteps()`, which waits
    /// for a decision recorded from outside the run rather than asking.
    public var gateHandler: (any GateStepHandler)?
    /// Which phases run; every phase by default.
    public var phases: PhaseSelection = .all
    /// The operator's stop request (signals): pause after the steps in flight, or kill them.
    public var interruption: RunInterruption?
    /// What `resume` and `rollback` do with a step's process group that outlived the Belay process
    /// that started it: wait for it (bounded by the step's timeout), or terminate it.
    public var orphans: OrphanPolicy = .wait

    public init(
        runID: String? = nil, onFailure: FailurePolicy = .compensate,
        observer: (@Sendable (JournalEvent) -> Void)? = nil, killGrace: Duration = .seconds(3),
        environment: [String: String] = ProcessInfo.processInfo.environment,
        gateHandler: (any GateStepHandler)? = nil
    ) {
        self.runID = runID
        self.onFailure = onFailure
        self.observer = observer
        self.killGrace = killGrace
        self.environment = environment
        self.gateHandler = gateHandler
    }
}
