import BelayGit
import Foundation
import Synchronization

/// Rollback points as commits of Belay's own git repository in `<workspace>/.belay/git`
/// (docs/state.md): each point is `refs/belay/points/<run>/<point>`, and every record or restore
/// appends to `refs/belay/runs/<run>`.
public struct GitRollbackPoints: RollbackPoints {
    private let opener: Opener

    /// The workspace's state repository.
    /// - Throws: `.io(.checkpointRepository)` when it cannot be opened (made on first use only).
    public var store: CheckpointStore {
        get throws(EngineError) { try opener.store() }
    }

    public init(store: CheckpointStore) { opener = Opener(store: store) }

    public init(workspace: URL) throws { opener = Opener(store: try CheckpointStore(workspace: workspace)) }

    /// Opens (or creates) the workspace's state repository.
    static func open(workspace: URL) throws(EngineError) -> GitRollbackPoints {
        GitRollbackPoints(opener: Opener(store: try Opener.open(workspace)))
    }

    /// Rollback points whose repository is opened when first needed: for commands that read
    /// journals and may never look at a commit. Starting libgit2 costs about 9 ms (it loads the
    /// system's certificates), a third of what `status` needs in all. A command that writes opens
    /// its points first (`open`), so a broken repository stops it before it journals anything.
    public static func openingOnFirstUse(workspace: URL) -> GitRollbackPoints {
        GitRollbackPoints(opener: Opener(workspace: workspace))
    }

    private init(opener: Opener) { self.opener = opener }

    /// The repository, or what opens it once.
    private final class Opener: Sendable {
        private let workspace: URL?
        private let opened: Mutex<CheckpointStore?>

        init(store: CheckpointStore) {
            workspace = nil
            opened = Mutex(store)
        }

        init(workspace: URL) {
            self.workspace = workspace
            opened = Mutex(nil)
        }

        func store() throws(EngineError) -> CheckpointStore {
            try opened.withLock { opened throws(EngineError) -> CheckpointStore in
                if let opened { return opened }
                let store = try Self.open(workspace!)
                opened = store
                return store
            }
        }

        static func open(_ workspace: URL) throws(EngineError) -> CheckpointStore {
            do { return try CheckpointStore(workspace: workspace) } catch {
                throw EngineError(.checkpoint, .io(.checkpointRepository, path: workspace.path, reason: "\(error)"))
            }
        }
    }

    public func record(
        run: String, event: String, phase: String, point: String?, summary: String?, details: [(String, String)]
    ) async throws -> RecordedPoint? {
        let checkpoint = try await store.record(
            run: run, event: event, phase: phase, point: point.map(PointName.stored), summary: summary, details: details)
        return RecordedPoint(commit: checkpoint.commit.hex, tree: checkpoint.tree.hex)
    }

    public func restore(run: String, point: String, event: String) async throws -> RestoreResult {
        let target = try await checkpoint(run: run, name: point)
        try await store.restore(target)
        let what = event == "rollback" ? "rolled back" : "restored"
        let checkpoint = try await store.record(
            run: run, event: event, phase: PointName.stored(point), point: nil,
            summary: "workspace \(what) to the rollback point '\(point)' (\(target.commit.hex.prefix(12)))")
        return .restored(RecordedPoint(commit: checkpoint.commit.hex, tree: checkpoint.tree.hex))
    }

    public func point(run: String, name: String) async throws -> RecordedPoint? {
        try await store.point(run: run, name: PointName.stored(name)).map { RecordedPoint(commit: $0.commit.hex, tree: $0.tree.hex) }
    }

    public func diff(run: String, from: String, to: String?) async throws -> [FileChange] {
        let start = try await checkpoint(run: run, name: from)
        guard let to else { return try await store.drift(since: start) }
        return try await store.changes(from: start, to: try await checkpoint(run: run, name: to))
    }

    public func changesSinceLastCommit(run: String) async throws -> [String]? {
        guard let last = try await store.last(run: run) else { return nil }
        return try await store.drift(since: last).map { "\($0.kind.rawValue) \($0.path)" }
    }

    public func preserve(run: String) async throws -> PreservedWorkspace? {
        guard let preserved = try await store.preserve(run: run) else { return nil }
        return PreservedWorkspace(
            commit: preserved.checkpoint.commit.hex, tree: preserved.checkpoint.tree.hex,
            files: preserved.changes.map { "\($0.kind.rawValue) \($0.path)" })
    }

    public func repairPoint(run: String, name: String, commit: String) async throws -> RecordedPoint? {
        try await store.repairPoint(run: run, name: PointName.stored(name), commit: commit)
            .map { RecordedPoint(commit: $0.commit.hex, tree: $0.tree.hex) }
    }

    public func laterRun(than run: String) async throws -> LaterRun? {
        try await store.laterRun(than: run).map { LaterRun(runID: $0.run, workspaceMatches: $0.workspaceMatches) }
    }

    public func storeCaptures(run: String, point: String, outputs: [String: Data]) async throws -> String? {
        let name = PointName.stored(point)
        let parent = try await store.point(run: run, name: name)?.commit
        return try await store.recordCaptures(run: run, point: name, parent: parent, outputs: outputs).hex
    }

    public func captures(run: String, point: String) async throws -> [String: Data]? {
        try await store.captures(run: run, point: PointName.stored(point))
    }

    private func checkpoint(run: String, name: String) async throws -> Checkpoint {
        guard let checkpoint = try await store.point(run: run, name: PointName.stored(name)) else {
            throw EngineError(.checkpoint, .missingPoints(runID: run, names: [name]))
        }
        return checkpoint
    }
}
