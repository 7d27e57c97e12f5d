import BelayGit
import Foundation

/// A recorded rollback point: a commit of the workspace and its tree.
public struct RecordedPoint: Sendable, Hashable {
    public var commit: String
    public var tree: String

    public init(commit: String, tree: String) {
        self.commit = commit
        self.tree = tree
    }
}

/// What a restore did.
public enum RestoreResult: Sendable, Hashable {
    /// The workspace is now the point's tree; the restore itself was recorded as this commit.
    case restored(RecordedPoint)
    /// The store records no files (`NoRollbackPoints`): there was nothing to restore.
    case nothingRecorded
}

/// The workspace as it was before a restore overwrote it, kept as a commit of the run's history.
public struct PreservedWorkspace: Sendable, Hashable {
    public var commit: String
    public var tree: String
    /// `kind path` of each file that differs from the run's previous commit: what the commit keeps.
    public var files: [String]

    public init(commit: String, tree: String, files: [String]) {
        self.commit = commit
        self.tree = tree
        self.files = files
    }
}

/// Another run that recorded commits in the same workspace after a run's last commit.
public struct LaterRun: Sendable, Hashable {
    public var runID: String
    /// The workspace is exactly as that run left it.
    public var workspaceMatches: Bool

    public init(runID: String, workspaceMatches: Bool) {
        self.runID = runID
        self.workspaceMatches = workspaceMatches
    }
}

/// Where the engine records rollback points of the workspace and restores it from them.
///
/// One requirement per operation, so the engine never needs to know which store it has: Belay's
/// git repository in `.belay/git` (`GitRollbackPoints`), copies in memory
/// (`InMemoryRollbackPoints`), or nothing at all (`NoRollbackPoints`).
public protocol RollbackPoints: Sendable {
    /// Snapshots the workspace as a commit on the run's history (`event` and `phase` go into the
    /// commit message, `details` become trailers); when `point` is given, also names it as the run's
    /// rollback point `point`. Returns `nil` when this store records nothing.
    func record(
        run: String, event: String, phase: String, point: String?, summary: String?, details: [(String, String)]
    ) async throws -> RecordedPoint?

    /// Makes the workspace exactly the tree of the run's point `point` and records that restore as
    /// a new commit on the run's history (history is append-only), under `event`.
    /// - Throws: `EngineError` `.missingPoints` when the point does not exist.
    func restore(run: String, point: String, event: String) async throws -> RestoreResult

    /// The run's point `name`, if recorded.
    func point(run: String, name: String) async throws -> RecordedPoint?

    /// The files that differ from point `from` to point `to`, or to the workspace as it is now when
    /// `to` is nil.
    func diff(run: String, from: String, to: String?) async throws -> [FileChange]

    /// Files of the workspace that differ from the run's last recorded commit (`kind path`), or nil
    /// when this store records nothing.
    func changesSinceLastCommit(run: String) async throws -> [String]?

    /// Before a restore overwrites the workspace: commits it on the run's history (append-only) when
    /// it differs from the run's last commit, so nothing anyone changed is lost. Nil when nothing
    /// differs or this store records nothing.
    func preserve(run: String) async throws -> PreservedWorkspace?

    /// The run's point `name` when its name is gone but `commit` (from the journal) is still stored:
    /// the name is given back to it. Nil when the commit is gone too.
    func repairPoint(run: String, name: String, commit: String) async throws -> RecordedPoint?

    /// The run that recorded commits in this workspace last, after `run`'s last commit, if any.
    func laterRun(than run: String) async throws -> LaterRun?

    /// Keeps the outputs of the playbook's captures (name → bytes) with the run's point `point`,
    /// apart from its tree; returns the commit that holds them, or nil when this store keeps none.
    func storeCaptures(run: String, point: String, outputs: [String: Data]) async throws -> String?

    /// The capture outputs kept with the run's point `point`, or nil when it has none.
    func captures(run: String, point: String) async throws -> [String: Data]?
}

extension RollbackPoints {
    /// Stores that keep no captures keep nothing (docs/captures.md).
    public func storeCaptures(run: String, point: String, outputs: [String: Data]) async throws -> String? { nil }

    public func captures(run: String, point: String) async throws -> [String: Data]? { nil }

    /// Stores that keep no history of other runs find none.
    public func laterRun(than run: String) async throws -> LaterRun? { nil }

    /// Stores whose point names cannot go missing have nothing to repair.
    public func repairPoint(run: String, name: String, commit: String) async throws -> RecordedPoint? {
        try await point(run: run, name: name)
    }
}

extension RollbackPoints {
    /// `record` without trailers.
    public func record(run: String, event: String, phase: String, point: String?, summary: String?) async throws
        -> RecordedPoint?
    {
        try await record(run: run, event: event, phase: phase, point: point, summary: summary, details: [])
    }

    /// `restore`, recorded as a `restore` commit.
    public func restore(run: String, point: String) async throws -> RestoreResult {
        try await restore(run: run, point: point, event: "restore")
    }
}

/// Points that record nothing: for embedding the engine where the workspace needs no snapshots.
public struct NoRollbackPoints: RollbackPoints {
    public init() {}

    public func record(
        run: String, event: String, phase: String, point: String?, summary: String?, details: [(String, String)]
    ) async throws -> RecordedPoint? { nil }

    public func restore(run: String, point: String, event: String) async throws -> RestoreResult { .nothingRecorded }

    public func point(run: String, name: String) async throws -> RecordedPoint? { nil }

    public func diff(run: String, from: String, to: String?) async throws -> [FileChange] { [] }

    public func changesSinceLastCommit(run: String) async throws -> [String]? { nil }

    public func preserve(run: String) async throws -> PreservedWorkspace? { nil }
}
