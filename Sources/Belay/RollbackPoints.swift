/// A recorded rollback point: a commit in the workspace's `.belay/git` and its tree.
public struct RecordedPoint: Sendable, Hashable {
    public var commit: String
    public var tree: String

    public init(commit: String, tree: String) {
        self.commit = commit
        self.tree = tree
    }
}

/// Where the engine records rollback points and restores the workspace from them.
///
/// The engine only needs these two operations, so it depends on this protocol rather than on git;
/// `GitRollbackPoints` implements it with Belay's checkpoint store, and tests use an in-memory one.
public protocol RollbackPoints: Sendable {
    /// Snapshots the workspace as a commit on the run's history (`event`, `phase` go into the commit
    /// message); when `point` is given, also names it as the rollback point `point` of the run.
    /// Returns `nil` when this store records nothing.
    func record(run: String, event: String, phase: String, point: String?, summary: String?) async throws
        -> RecordedPoint?

    /// `record`, with extra trailers for the commit message (`Belay-Gate: <step> PROCEED`): what a
    /// phase's gates and approvals decided travels with its rollback point.
    func record(
        run: String, event: String, phase: String, point: String?, summary: String?, details: [(String, String)]
    ) async throws -> RecordedPoint?

    /// Makes the workspace exactly the tree of the run's point `point`, and records that restore as a
    /// new commit on the run's history (history is append-only). `nil` when the point does not exist.
    func restore(run: String, point: String) async throws -> RecordedPoint?

    /// As `restore(run:point:)`, recording the commit under `event` (e.g. `rollback`).
    func restore(run: String, point: String, event: String) async throws -> RecordedPoint?

    /// Files of the workspace that differ from the run's last recorded commit (`kind path`), or nil
    /// when this store records nothing.
    func changesSinceLastCommit(run: String) async throws -> [String]?
}

extension RollbackPoints {
    /// Stores that keep no commit message drop the details.
    public func record(
        run: String, event: String, phase: String, point: String?, summary: String?, details: [(String, String)]
    ) async throws -> RecordedPoint? {
        try await record(run: run, event: event, phase: phase, point: point, summary: summary)
    }

    public func restore(run: String, point: String, event: String) async throws -> RecordedPoint? {
        try await restore(run: run, point: point)
    }

    public func changesSinceLastCommit(run: String) async throws -> [String]? { nil }
}

/// Points that record nothing: for embedding the engine where the workspace needs no snapshots.
public struct NoRollbackPoints: RollbackPoints {
    public init() {}
    public func record(run: String, event: String, phase: String, point: String?, summary: String?) async throws
        -> RecordedPoint? { nil }
    public func restore(run: String, point: String) async throws -> RecordedPoint? { nil }
}
