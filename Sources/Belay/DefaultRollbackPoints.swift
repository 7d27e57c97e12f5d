import BelayGit
import Foundation

/// The rollback points an `Engine` uses when none are given: git commits in `<workspace>/.belay/git`.
enum DefaultRollbackPoints {
    static func make(workspace: URL) throws -> any RollbackPoints {
        do {
            return GitRollbackPoints(store: try CheckpointStore(workspace: workspace))
        } catch {
            throw EngineError(.checkpoint, "cannot open the checkpoint repository of \(workspace.path): \(error)")
        }
    }
}

/// Rollback points as commits of Belay's own git repository (DESIGN §3): each point is
/// `refs/belay/points/<run>/<point>`, and every record or restore appends to `refs/belay/runs/<run>`.
public struct GitRollbackPoints: RollbackPoints {
    public let store: CheckpointStore

    public init(store: CheckpointStore) { self.store = store }

    public init(workspace: URL) throws { self.store = try CheckpointStore(workspace: workspace) }

    public func record(run: String, event: String, phase: String, point: String?, summary: String?) async throws
        -> RecordedPoint?
    {
        try await record(run: run, event: event, phase: phase, point: point, summary: summary, details: [])
    }

    public func record(
        run: String, event: String, phase: String, point: String?, summary: String?, details: [(String, String)]
    ) async throws -> RecordedPoint? {
        let checkpoint = try await store.record(
            run: run, event: event, phase: phase, point: point, summary: summary, details: details)
        return RecordedPoint(commit: checkpoint.commit.hex, tree: checkpoint.tree.hex)
    }

    public func restore(run: String, point: String) async throws -> RecordedPoint? {
        try await restore(run: run, point: point, event: "restore")
    }

    public func restore(run: String, point: String, event: String) async throws -> RecordedPoint? {
        guard let target = try await store.point(run: run, name: point) else { return nil }
        try await store.restore(target)
        let what = event == "rollback" ? "rolled back" : "restored"
        let checkpoint = try await store.record(
            run: run, event: event, phase: point, point: nil,
            summary: "workspace \(what) to the rollback point '\(point)' (\(target.commit.hex.prefix(12)))")
        return RecordedPoint(commit: checkpoint.commit.hex, tree: checkpoint.tree.hex)
    }

    public func changesSinceLastCommit(run: String) async throws -> [String]? {
        guard let last = try await store.last(run: run) else { return nil }
        return try await store.drift(since: last).map { "\($0.kind.rawValue) \($0.path)" }
    }
}
