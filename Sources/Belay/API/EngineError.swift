import BelayModel
import BelaySupport

/// Why the engine could not run (or read) a run at all — as opposed to a step failing, which is a
/// normal outcome reported in `RunOutcome`.
///
/// An error carries data, not advice: `problem` says exactly what is wrong with typed payloads, and
/// `description` says it in plain words. Front ends (the CLI, a server) add their own advice — which
/// flag or command to use next — from the payload.
public struct EngineError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The family of the problem: what a front end maps to an exit code or an HTTP status.
    public enum Code: String, Sendable, Hashable {
        /// Another live run holds the workspace.
        case locked
        /// The journal could not be written or read.
        case journal
        /// The workspace or `.belay` folder is unusable.
        case workspace
        /// A rollback point could not be recorded or restored.
        case checkpoint
        /// The run named does not exist.
        case unknownRun
        /// The saga or the request's shape is unusable (duplicate ids, unknown phases…).
        case invalidSaga
        /// The run has ended; there is nothing to resume.
        case notResumable
        /// Files changed outside Belay since the run stopped (refused unless forced).
        case workspaceChanged
        /// No approval step waits for a decision.
        case noApprovalPending
        /// The playbook file changed since the run started (refused unless forced).
        case playbookChanged
        /// The request does not apply to this run as it stands.
        case refused
        /// A shared store could not be reached, or it refused this runner's writes because its lock
        /// passed to another holder (fencing). A run stops at once and writes nothing more.
        case store
    }

    /// What went wrong, with the facts a front end needs to explain it.
    public enum Problem: Sendable, Hashable {
        /// A live run holds the workspace (`holder` is nil when the lock file cannot be read).
        case locked(holder: LockHolder?, lockFile: String)
        /// The shared store `store` (its address without credentials) cannot be reached.
        case storeUnreachable(store: String, reason: String)
        /// The shared store's server was reached and refused a statement (a missing privilege, a
        /// constraint, a schema newer than this Belay): its message and SQLSTATE, when it sent one.
        case storeError(store: String, message: String, sqlState: String?)
        /// The store refused a write: the lock `lock` is no longer this runner's (`epoch` was ours;
        /// `holder` has it now, or nobody when the lease just lapsed).
        case fenced(lock: String, epoch: Int, holder: LockHolder?)
        /// The lock changed hands several times while being taken.
        case lockContended(lockFile: String)
        /// A file Belay keeps could not be read or written.
        case io(StateFile, path: String, reason: String)
        /// A line of a run's journal (numbered from 1) that is not a torn last line could not be
        /// trusted: Belay acts on no journal it could not read whole.
        case journalDamaged(path: String, line: Int, damage: JournalDamage)
        case workspaceMissing(path: String)
        /// The workspace is a folder Belay never works in (the root, a home or a system folder).
        case unsafeWorkspace(path: String, WorkspaceFolder.Refusal)
        /// The workspace's `.belay` is not a folder of the user's own.
        case unsafeStateFolder(path: String, StateFolderRefusal)
        case invalidRunID(String)
        /// A run with this id exists already (its journal, folder or rollback points).
        case runExists(runID: String)
        case unknownRun(runID: String, workspace: String)
        case runEnded(runID: String, status: RunState.Status)
        /// Files changed outside Belay since the run last recorded the workspace (`kind path`);
        /// `laterRun` when another run recorded commits in the workspace since.
        case drift(runID: String, files: [String], operation: Operation, laterRun: LaterRun?)
        /// Captures that differ from what Belay saw last (docs/captures.md), with their diffs.
        case captureDrift(runID: String, captures: [String], diff: String?, operation: Operation)
        case playbookChanged(runID: String, playbook: String, snapshot: String)
        case noSnapshot(runID: String, path: String)
        /// The run's playbook snapshot no longer loads; `diagnostics` are rendered with locations.
        case invalidSnapshot(runID: String, diagnostics: String)
        case invalidSaga(SagaError)
        case phaseSelection(PhaseSelection.Problem)
        case unknownPhase(runID: String, phase: String, suggestion: String?, phases: [String])
        /// A phase with no rollback point (skipped, never completed); `status` is the phase's.
        case phaseHasNoPoint(runID: String, phase: String, status: RunState.PhaseStatus)
        case unknownStep(runID: String, step: RunState.StepKey, owed: [RunState.StepKey])
        case rollbackTarget(RollbackRefusal)
        case nothingToRollBack(reason: String)
        case resolve(ResolveRefusal)
        case noApprovalPending(runID: String, status: RunState.Status)
        case approvalAlreadyDecided(runID: String, step: RunState.StepKey, decision: String, by: String?)
        /// A rollback point could not be recorded, read or restored.
        case checkpoint(action: String, underlying: String)
        case missingPoints(runID: String, names: [String])
        /// A step's process group outlived the Belay process that started it and still runs; the
        /// operator stopped waiting for it, so nothing was decided about the step.
        case orphanRunning(runID: String, step: RunState.StepKey, group: Int32, operation: Operation)
        /// Secret variables are never journaled; these have no value in this process.
        case missingSecrets(runID: String, names: [String])
    }

    /// The files of Belay's state, named for messages.
    public enum StateFile: String, Sendable, Hashable {
        case journal, lock, runFolder = "run folder", checkpointRepository = "checkpoint repository"
        case rehearsalRecord = "rehearsal record", scratchCopy = "scratch copy"
    }

    /// Why a journal line cannot be trusted.
    public enum JournalDamage: String, Sendable, Hashable {
        /// The line is not a journal event (not JSON, or not an event Belay wrote).
        case unreadable
        /// The line parses, but its bytes do not match the checksum written with it.
        case checksumMismatch = "checksum mismatch"
    }

    /// Why a workspace's `.belay` is refused: state written through a symlink or into someone
    /// else's folder would land where the user did not choose.
    public enum StateFolderRefusal: Sendable, Hashable {
        case symlink
        case notFolder
        case notOwned(owner: UInt32, user: UInt32)
    }

    /// The operation that refused to act on a changed workspace.
    public enum Operation: String, Sendable, Hashable {
        case resume, rollback
    }

    /// Why a rollback target is not usable; `available` lists the points that are.
    public enum RollbackRefusal: Sendable, Hashable {
        case unknownTarget(runID: String, target: String, suggestion: String?, phases: [String])
        case noStartPoint(runID: String)
        case skipped(runID: String, phase: String, note: String?, available: [String])
        case alreadyUndone(runID: String, phase: String, available: [String])
        case neverCompleted(runID: String, phase: String, available: [String])
        case afterEarlierRollback(runID: String, phase: String, rolledBackTo: String, available: [String])
    }

    /// Why `resolve` does not apply.
    public enum ResolveRefusal: Sendable, Hashable {
        case emptyNote
        case alreadyResolved(step: RunState.StepKey, by: String?, note: String?)
        case notFailed(step: RunState.StepKey, succeeded: Bool)
        case notRun(step: RunState.StepKey)
    }

    public var code: Code
    public var problem: Problem

    public init(_ code: Code, _ problem: Problem) {
        self.code = code
        self.problem = problem
    }

    public var description: String { problem.description }
}

extension EngineError.Problem: CustomStringConvertible {
    public var description: String {
        switch self {
        case .locked(let holder?, _):
            "the workspace is locked by \(holder)"
        case .locked(nil, let lockFile):
            "the workspace is locked (\(lockFile) is held but cannot be read)"
        case .storeUnreachable(let store, let reason):
            "the store \(store) cannot be reached: \(reason)"
        case .storeError(let store, let message, let sqlState):
            "the store \(store) refused: \(message)" + (sqlState.map { " (SQLSTATE \($0))" } ?? "")
        case .fenced(let lock, let epoch, let holder?):
            "the lock \(lock) is no longer ours (epoch \(epoch)): \(holder) holds it now; nothing more was written"
        case .fenced(let lock, let epoch, nil):
            "the lease on the lock \(lock) lapsed (epoch \(epoch)); nothing more was written"
        case .lockContended(let lockFile):
            "the workspace lock \(lockFile) keeps changing hands"
        case .io(let file, let path, let reason):
            "cannot use the \(file.rawValue) \(path): \(reason)"
        case .journalDamaged(let path, let line, let damage):
            "the journal \(path) is damaged at line \(line) ("
                + (damage == .unreadable ? "it is not a journal event" : "its bytes do not match the checksum written with it")
                + "); Belay acts on no journal it cannot read whole"
        case .workspaceMissing(let path):
            "the workspace \(path) does not exist"
        case .unsafeWorkspace(let path, let refusal):
            "the workspace \(path) is \(refusal.rawValue); Belay never works there, since a rollback would restore files that are not the deploy's"
        case .unsafeStateFolder(let path, .symlink):
            "\(path) is a symlink; Belay keeps its state only in a real folder of the workspace"
        case .unsafeStateFolder(let path, .notFolder):
            "\(path) is not a folder"
        case .unsafeStateFolder(let path, .notOwned(let owner, let user)):
            "\(path) belongs to user id \(owner), not to the user running Belay (id \(user))"
        case .invalidRunID(let id):
            "'\(id)' is not a valid run id (\(RunID.rule))"
        case .runExists(let id):
            "a run with id '\(id)' already exists"
        case .unknownRun(let id, let workspace):
            "no run '\(id)' in \(workspace)"
        case .runEnded(let id, let status):
            "run \(id) has ended (\(status.rawValue)); there is nothing to resume"
        case .drift(let id, let files, let operation, let later):
            "files changed outside Belay since run \(id) last recorded the workspace:\n"
                + files.map { "  \($0)" }.joined(separator: "\n")
                + (later.map { "\n" + SagaExecution.laterRunNote($0) } ?? "")
                + "\n\(operation.rawValue) would act on a workspace it does not know"
        case .captureDrift(let id, let captures, let diff, let operation):
            "the target changed outside Belay since run \(id) last captured it: "
                + captures.map { "capture \($0) differs" }.joined(separator: ", ")
                + (diff.map { "\n" + $0.split(separator: "\n").map { "  \($0)" }.joined(separator: "\n") } ?? "")
                + "\n\(operation.rawValue) would act on a target it does not know"
        case .playbookChanged(let id, let playbook, let snapshot):
            "the playbook \(playbook) changed since run \(id) started; Belay uses the snapshot \(snapshot), "
                + "so what it runs may differ from the file you see"
        case .noSnapshot(let id, let path):
            "run \(id) has no playbook snapshot (\(path))"
        case .invalidSnapshot(_, let diagnostics):
            diagnostics
        case .invalidSaga(let error):
            error.description
        case .phaseSelection(let problem):
            problem.description
        case .unknownPhase(let id, let phase, let suggestion, let phases):
            "run \(id) has no phase '\(phase)'" + (suggestion.map { "; did you mean '\($0)'?" } ?? "")
                + " (phases: \(phases.joined(separator: ", ")))"
        case .phaseHasNoPoint(let id, let phase, let status):
            "phase \(phase) of run \(id) has no rollback point (it is \(status.rawValue)); "
                + "a phase's changes are known once it completed"
        case .unknownStep(let id, let step, let owed):
            "run \(id) has no step \(step)"
                + (owed.isEmpty ? "" : "; compensations still owed: \(owed.map(\.description).joined(separator: ", "))")
        case .rollbackTarget(let refusal):
            refusal.description
        case .nothingToRollBack(let reason):
            "\(reason); nothing to roll back"
        case .resolve(let refusal):
            refusal.description
        case .noApprovalPending(let id, let status):
            "run \(id) is not waiting for an approval (it is \(status.rawValue))"
        case .approvalAlreadyDecided(let id, let step, let decision, let by):
            "\(step) of run \(id) was already \(decision) by \(by ?? "?")"
        case .checkpoint(let action, let underlying):
            "cannot \(action): \(underlying)"
        case .missingPoints(let id, let names):
            "the rollback points \(names.joined(separator: " and ")) of run \(id) are missing from .belay/git"
        case .missingSecrets(let id, let names):
            "run \(id) needs the secret variable\(names.count == 1 ? "" : "s") \(names.joined(separator: ", ")) again "
                + "(secret values are never written down); set "
                + names.map { "BELAY_VAR_" + $0.uppercased().replacing("-", with: "_") }.joined(separator: ", ")
                + " in the environment"
        case .orphanRunning(let id, let step, let group, let operation):
            "stopped waiting: process group \(group) of \(step) (run \(id)) is still running; "
                + "\(operation.rawValue) decided nothing about the step"
        }
    }
}

extension EngineError.RollbackRefusal: CustomStringConvertible {
    public var description: String {
        switch self {
        case .unknownTarget(let id, let target, let suggestion, let phases):
            "run \(id) has no phase '\(target)'; " + (suggestion.map { "did you mean '\($0)'? " } ?? "")
                + "the targets are: \(([PointName.start] + phases).joined(separator: ", "))"
        case .noStartPoint(let id):
            "run \(id) never recorded its start point; there is nothing to roll back to"
        case .skipped(let id, let phase, let note, let available):
            "phase \(phase) of run \(id) was skipped (\(note ?? "not run")), so it has no rollback point; "
                + "points you can roll back to: \(available.joined(separator: ", "))"
        case .alreadyUndone(let id, let phase, let available):
            "phase \(phase) of run \(id) was already undone (its steps were compensated); "
                + "points you can roll back to: \(available.joined(separator: ", "))"
        case .neverCompleted(let id, let phase, let available):
            "phase \(phase) of run \(id) never completed, so it has no rollback point; "
                + "points you can roll back to: \(available.joined(separator: ", "))"
        case .afterEarlierRollback(let id, let phase, let done, let available):
            "run \(id) was already rolled back to \(done); phase \(phase) comes after it and its work was undone; "
                + "points you can roll back to: \(available.joined(separator: ", "))"
        }
    }
}

extension EngineError.ResolveRefusal: CustomStringConvertible {
    public var description: String {
        switch self {
        case .emptyNote:
            "the note must say what was done by hand (it is kept in the journal)"
        case .alreadyResolved(let step, let by, let note):
            "the compensation of \(step) was already resolved by \(by ?? "someone"): \(note ?? "")"
        case .notFailed(let step, let succeeded):
            "the compensation of \(step) is not failed (it \(succeeded ? "succeeded" : "had nothing to undo")); nothing to resolve"
        case .notRun(let step):
            "the compensation of \(step) has not run yet, so it has not failed; "
                + "resolve only marks a failed compensation as done by hand"
        }
    }
}
