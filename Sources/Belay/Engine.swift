import BelayPlaybook
import Foundation

/// What to do when a critical step fails.
public enum FailurePolicy: String, Sendable, Hashable, CaseIterable {
    /// Compensate every started step, newest first, then restore the workspace to the `start` point.
    case compensate
    /// Stop and wait for `belay resume` or `belay rollback` (exit 75).
    case pause
    /// Stop without compensating (exit 1).
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
    /// Evaluates gate steps and answers approval steps (GateSteps.swift); `nil`: `StandardGateSteps()`,
    /// which waits for `belay approve` rather than asking.
    public var gateHandler: (any GateStepHandler)?
    /// Which phases run (`belay run --only-phase` and friends); every phase by default.
    public var phases: PhaseSelection = .all
    /// The operator's stop request (signals): pause after the steps in flight, or kill them.
    public var interruption: RunInterruption?

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

/// How a run ended.
public struct RunOutcome: Sendable {
    public enum Result: Sendable, Hashable {
        case completed
        /// A step failed; every started step was compensated and the workspace restored.
        case compensated(failure: RunState.Failure)
        /// A compensation failed after its retries: the unwind stopped at `compensation`.
        case stuck(failure: RunState.Failure?, compensation: RunState.StepKey)
        /// A step failed and the run waits for `resume` or `rollback`.
        case paused(failure: RunState.Failure)
        /// A step failed and nothing was compensated (`--on-failure stop`).
        case failed(failure: RunState.Failure)
        /// The run stopped because it was asked to (a signal, `--stop-after-phase`); `resume` goes on.
        case pausedOnRequest(reason: String)
        /// `rollback`: the phases after the point were compensated and its tree restored.
        case rolledBack(to: String)
    }

    public var runID: String
    public var result: Result
    /// The final state, folded from the journal.
    public var state: RunState

    /// Exit codes of `belay run` (DESIGN §7): 0 completed, 1 failed (compensated or stopped),
    /// 3 stuck, 75 paused.
    public var exitCode: Int32 {
        switch result {
        case .completed, .rolledBack: 0
        case .compensated, .failed: 1
        case .stuck: 3
        case .paused, .pausedOnRequest: 75
        }
    }
}

/// Runs sagas in a workspace: journal, rollback points, retries, timeouts and compensation.
///
/// ```swift
/// let engine = try Engine(workspace: URL(fileURLWithPath: "."))
/// let outcome = try await engine.run(saga)
/// if case .compensated(let failure) = outcome.result { print("undone after \(failure.step) failed") }
/// ```
public struct Engine: Sendable {
    public let workspace: URL
    public let points: any RollbackPoints

    /// An engine for `workspace` that records rollback points with `points`
    /// (Belay's git checkpoint store of the workspace when `nil`).
    public init(workspace: URL, points: (any RollbackPoints)? = nil) throws {
        self.workspace = workspace.standardizedFileURL
        if let points {
            self.points = points
        } else {
            self.points = try DefaultRollbackPoints.make(workspace: self.workspace)
        }
    }

    /// Runs `saga` to its end: completed, compensated, stuck, paused or failed.
    /// - Throws: `EngineError` when the run cannot start (workspace locked, invalid saga, unwritable
    ///   journal). Step failures are not errors: they are in the outcome.
    public func run(_ saga: Saga, options: RunOptions = RunOptions()) async throws -> RunOutcome {
        let order = try saga.executionOrder()
        try options.phases.validate(phaseIDs: order.map(\.id))
        let runID = options.runID ?? RunID.make()
        guard RunID.isValid(runID) else {
            throw EngineError(.invalidSaga, "'\(runID)' is not a valid run id (letters, digits, '-', '_', '.')")
        }
        let folder = RunFolder(workspace: workspace, runID: runID)
        let fileManager = FileManager.default
        guard fileManager.fileExists(atPath: workspace.path) else {
            throw EngineError(.workspace, "the workspace \(workspace.path) does not exist")
        }
        do {
            try fileManager.createDirectory(at: RunFolder.runsDirectory(workspace), withIntermediateDirectories: true)
        } catch {
            throw EngineError(.workspace, "cannot create \(RunFolder.runsDirectory(workspace).path): \(error.localizedDescription)")
        }
        let lock = try WorkspaceLock.acquire(workspace: workspace, run: runID)
        defer { lock.release() }
        if fileManager.fileExists(atPath: folder.journal.path) {
            throw EngineError(.invalidSaga, "a run with id '\(runID)' already exists; pick another --run-id")
        }
        do {
            try fileManager.createDirectory(at: folder.logs, withIntermediateDirectories: true)
            try fileManager.createDirectory(at: folder.scratch, withIntermediateDirectories: true)
            if let source = saga.source { try Data(source.utf8).write(to: folder.playbook) }
        } catch {
            throw EngineError(.workspace, "cannot prepare the run folder \(folder.url.path): \(error.localizedDescription)")
        }
        let execution = try SagaExecution(
            saga: saga, order: order, folder: folder, points: points, options: options,
            journal: JournalWriter(url: folder.journal))
        return await execution.start(lock: lock)
    }

    /// Continues a paused, stuck or crashed run (DESIGN §5) with `saga` (rebuilt from the run's
    /// snapshot and variables). The run keeps its failure policy.
    /// - Parameter force: go on even when files changed outside Belay since the run stopped.
    /// - Throws: `EngineError` when the run is unknown, finished, locked, or the workspace drifted.
    public func resume(
        _ runID: String, saga: Saga, options: RunOptions = RunOptions(), force: Bool = false
    ) async throws -> RunOutcome {
        let order = try saga.executionOrder()
        let folder = RunFolder(workspace: workspace, runID: runID)
        let (lock, state) = try folder.lockAndReadState()
        defer { lock.release() }
        if state.isFinished {
            throw EngineError(.notResumable, "run \(runID) has ended (\(state.status.rawValue)); there is nothing to resume"
                + (state.status == .failed ? "; to undo it, use `belay rollback \(runID) --to start`" : ""))
        }
        let crashed = state.status == .running || state.status == .compensating
        let drift = try await DriftCheck.check(state: state, runID: runID, points: points, force: force, doing: "resume")
        let execution = try continuation(of: state, saga: saga, order: order, folder: folder, options: options)
        var reason = crashed ? "the previous process stopped without ending the run (crash or kill)" : "resuming a \(state.status.rawValue) run"
        if let previous = lock.tookOverFrom { reason += "; took over the lock left by \(previous)" }
        if state.ignoredLines > 0 { reason += "; ignored \(state.ignoredLines) torn journal line(s)" }
        if let note = drift.note { reason += "; \(note)" }
        return await execution.resume(reason: reason)
    }

    /// An execution that carries a recorded run on: it appends to the run's journal, starts from its
    /// folded state, and keeps the failure policy the run was started with.
    func continuation(
        of state: RunState, saga: Saga, order: [Phase], folder: RunFolder, options: RunOptions
    ) throws -> SagaExecution {
        var options = options
        if let policy = state.onFailure.flatMap(FailurePolicy.init(rawValue:)) { options.onFailure = policy }
        return try SagaExecution(
            saga: saga, order: order, folder: folder, points: points, options: options,
            journal: JournalWriter(url: folder.journal, lastSeq: state.lastSeq), initialState: state)
    }
}
