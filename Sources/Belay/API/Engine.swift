import BelayPlaybook
import Foundation

/// Runs sagas in a workspace: journal, rollback points, retries, timeouts and compensation.
///
/// ```swift
/// let engine = try Engine(workspace: URL(fileURLWithPath: "."))
/// let outcome = try await engine.run(saga)
/// if case .compensated(let failure?) = outcome.result { print("undone after \(failure.site) failed") }
/// ```
public struct Engine: Sendable {
    public let workspace: URL
    /// Where runs are journaled, rollback points recorded and the workspace locked.
    public let stores: RunStores

    public var points: any RollbackPoints { stores.points }

    /// An engine for `workspace` with the local stores of its `.belay/` folder; `points` replaces
    /// the git rollback points when given.
    public init(workspace: URL, points: (any RollbackPoints)? = nil) throws(EngineError) {
        self.workspace = workspace.standardizedFileURL
        self.stores = try .local(workspace: self.workspace, points: points)
    }

    /// An engine for `workspace` that keeps its runs in `stores`.
    public init(workspace: URL, stores: RunStores) {
        self.workspace = workspace.standardizedFileURL
        self.stores = stores
    }

    /// The state of a recorded run, folded from its journal.
    /// - Throws: `.unknownRun` when there is no such run.
    public func state(of runID: String) throws(EngineError) -> RunState {
        guard RunID.isValid(runID) else { throw EngineError(.unknownRun, .invalidRunID(runID)) }
        return try stores.journal.state(of: runID)
    }

    /// Hands each event of a recorded run to `body`, in order, without holding them all (in the
    /// local store).
    /// - Throws: `.unknownRun` when there is no such run, `.journalDamaged` for a damaged line.
    public func forEachEvent(of runID: String, _ body: (consuming JournalEvent) -> Void) throws(EngineError) {
        guard RunID.isValid(runID) else { throw EngineError(.unknownRun, .invalidRunID(runID)) }
        try stores.journal.forEachEvent(run: runID, body)
    }

    /// The ids of every recorded run, oldest first.
    public func runIDs() -> [String] { stores.journal.runIDs() }

    /// Takes the lock for a recorded run and reads its state under the lock. The run must exist
    /// before the lock is taken, so a mistyped id never takes over a lock; the state is read again
    /// once locked, since the run may have moved on meanwhile. The caller releases the lock.
    func lockAndRead(_ runID: String) throws(EngineError) -> (lock: any HeldRunLock, state: RunState) {
        _ = try state(of: runID)
        let lock = try stores.locks.acquire(run: runID)
        do {
            return (lock, try state(of: runID))
        } catch {
            lock.release()
            throw error
        }
    }

    /// The saga's phases in execution order, or why the saga cannot run.
    func order(of saga: Saga) throws(EngineError) -> [Phase] {
        do { return try saga.executionOrder() } catch { throw EngineError(.invalidSaga, .invalidSaga(error)) }
    }

    /// Runs `saga` to its end: completed, compensated, stuck, paused or failed.
    /// - Throws: `EngineError` when the run cannot start (workspace locked, invalid saga, unwritable
    ///   journal). Step failures are not errors: they are in the outcome.
    public func run(_ saga: Saga, options: RunOptions = RunOptions()) async throws -> RunOutcome {
        let order = try order(of: saga)
        try options.phases.validate(phaseIDs: order.map(\.id))
        let runID = options.runID ?? RunID.make()
        guard RunID.isValid(runID) else { throw EngineError(.invalidSaga, .invalidRunID(runID)) }
        let folder = RunFolder(workspace: workspace, runID: runID)
        let fileManager = FileManager.default
        guard fileManager.fileExists(atPath: workspace.path) else {
            throw EngineError(.workspace, .workspaceMissing(path: workspace.path))
        }
        do {
            try fileManager.createDirectory(at: RunFolder.runsDirectory(workspace), withIntermediateDirectories: true)
        } catch {
            throw EngineError(.workspace, .io(.runFolder, path: RunFolder.runsDirectory(workspace).path, reason: error.localizedDescription))
        }
        let lock = try stores.locks.acquire(run: runID)
        defer { lock.release() }
        // A run whose journal is gone still owns its folder and its points: its id is never reused.
        let startPoint = try? await points.point(run: runID, name: PointName.start)
        if fileManager.fileExists(atPath: folder.url.path) || startPoint != nil {
            throw EngineError(.invalidSaga, .runExists(runID: runID))
        }
        let journal = try stores.journal.appender(run: runID, creating: true, lastSeq: 0)
        do {
            try fileManager.createDirectory(at: folder.logs, withIntermediateDirectories: true)
            try fileManager.createDirectory(at: folder.scratch, withIntermediateDirectories: true)
            // A secret's default in the file is masked in the snapshot, like everywhere Belay writes.
            if let source = saga.source {
                let masker = SecretMasker(names: saga.secrets, environment: options.environment, values: saga.secretValues)
                try PrivateFiles.write(Data(masker.mask(source).utf8), to: folder.playbook)
            }
        } catch {
            throw EngineError(.workspace, .io(.runFolder, path: folder.url.path, reason: error.localizedDescription))
        }
        let execution = SagaExecution(
            saga: saga, order: order, folder: folder, points: points, options: options, journal: journal)
        return await execution.start(lock: lock)
    }

    /// Continues a paused, stuck or crashed run (docs/engine.md) with `saga` (rebuilt from the run's
    /// snapshot and variables). The run keeps its failure policy.
    /// - Parameter force: go on even when files changed outside Belay since the run stopped.
    /// - Throws: `EngineError` when the run is unknown, finished, locked, or the workspace drifted.
    public func resume(
        _ runID: String, saga: Saga, options: RunOptions = RunOptions(), force: Bool = false
    ) async throws -> RunOutcome {
        let order = try order(of: saga)
        let folder = RunFolder(workspace: workspace, runID: runID)
        let (lock, state) = try lockAndRead(runID)
        defer { lock.release() }
        if state.isFinished { throw EngineError(.notResumable, .runEnded(runID: runID, status: state.status)) }
        let crashed = state.status == .running || state.status == .compensating
        _ = try await repairPoints(runID, state: state, names: [state.rollbackTarget, PointName.start].compactMap { $0 })
        let execution = try continuation(of: state, saga: saga, order: order, folder: folder, options: options)
        try await execution.settleOrphans(for: .resume)
        let drift = try await DriftCheck.check(state: state, runID: runID, points: points, force: force, doing: .resume)
        let captureDrift = try await execution.checkCaptureDrift(state: state, force: force, operation: .resume)
        var reason = crashed ? "the previous process stopped without ending the run (crash or kill)" : "resuming a \(state.status.rawValue) run"
        if let previous = lock.tookOverFrom { reason += "; took over the lock left by \(previous)" }
        if state.ignoredLines > 0 { reason += "; ignored \(state.ignoredLines) torn journal line(s)" }
        if let note = drift.note { reason += "; \(note)" }
        if let captureDrift { reason += "; \(captureDrift)" }
        return await execution.resume(reason: reason, preserved: drift.preserved, later: drift.laterRun)
    }

    /// An execution that carries a recorded run on: it appends to the run's journal, starts from its
    /// folded state, and keeps the failure policy the run was started with.
    func continuation(
        of state: RunState, saga: Saga, order: [Phase], folder: RunFolder, options: RunOptions
    ) throws(EngineError) -> SagaExecution {
        var options = options
        if let policy = state.onFailure { options.onFailure = policy }
        return SagaExecution(
            saga: saga, order: order, folder: folder, points: points, options: options,
            journal: try stores.journal.appender(run: folder.runID, creating: false, lastSeq: state.lastSeq),
            initialState: state)
    }
}
