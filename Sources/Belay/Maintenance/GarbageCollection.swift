import BelayGit
import Foundation

/// `belay gc`: removes the runs retention lets go (their journals, logs and rollback points) and
/// repacks `.belay/git` so the objects only they reached are gone too.
public struct GarbageCollection: Sendable {
    public let workspace: URL
    public let retention: Retention

    public init(workspace: URL, retention: Retention = Retention()) {
        self.workspace = workspace.standardizedFileURL
        self.retention = retention
    }

    /// A run that goes, and the bytes its folder (journal, logs, gate reports) holds.
    public struct Removed: Sendable, Hashable {
        public var run: String
        public var status: RunState.Status?
        public var lastEvent: Date?
        public var folderBytes: Int64
    }

    /// What a collection did, or (dry run) would do.
    public struct Report: Sendable, Hashable {
        public var dryRun: Bool
        public var removed: [Removed]
        /// Every run that stays, with why, oldest first.
        public var kept: [(run: String, reason: Retention.Reason)]
        /// `.belay/git/objects` before and after (estimated for a dry run).
        public var gitBytesBefore: Int64
        public var gitBytesAfter: Int64

        public var bytesFreed: Int64 {
            removed.reduce(0) { $0 + $1.folderBytes } + max(0, gitBytesBefore - gitBytesAfter)
        }

        public static func == (left: Report, right: Report) -> Bool {
            left.dryRun == right.dryRun && left.removed == right.removed && left.kept.map { $0.run } == right.kept.map { $0.run }
                && left.gitBytesBefore == right.gitBytesBefore && left.gitBytesAfter == right.gitBytesAfter
        }

        public func hash(into hasher: inout Hasher) { hasher.combine(removed) }
    }

    /// Decides, then (unless `dryRun`) removes and repacks under the workspace lock, so no run
    /// writes objects while packs are replaced.
    /// - Throws: `.locked` when a live run holds the workspace; `.checkpoint` or `.io` when the
    ///   state repository or a run folder cannot be changed.
    public func collect(dryRun: Bool, now: Date = Date()) async throws -> Report {
        try WorkspaceCheck.check(workspace)
        let lock: (any HeldRunLock)? = dryRun ? nil : try LocalRunLocks(workspace: workspace).acquire(run: Self.lockName)
        defer { lock?.release() }
        let summaries = RunSummaries(workspace: workspace)
        let runs = LocalRunJournal(workspace: workspace).runIDs().map { id -> Retention.Run in
            let summary = summaries.summary(of: id)
            return Retention.Run(id: id, status: summary?.status, lastEvent: summary?.updatedAt)
        }
        let store = try checkpointStore()
        var later: [String: [String]] = [:]
        for run in runs where !run.isFinished && run.status != nil {
            if let store { later[run.id] = try await store.latestAfter(run: run.id).map(\.run) }
        }
        let reasons = retention.decide(runs, now: now, laterRuns: { later[$0] ?? [] })
        var removed: [Removed] = []
        var kept: [(run: String, reason: Retention.Reason)] = []
        for run in runs {
            if case .some(.some(let reason)) = reasons[run.id] {
                kept.append((run.id, reason))
            } else {
                let folder = RunFolder(workspace: workspace, runID: run.id).url
                removed.append(Removed(
                    run: run.id, status: run.status, lastEvent: run.lastEvent, folderBytes: Self.bytes(under: folder)))
            }
        }
        if !dryRun {
            for run in removed {
                let folder = RunFolder(workspace: workspace, runID: run.run).url
                do { try FileManager.default.removeItem(at: folder) } catch {
                    throw EngineError(.workspace, .io(.runFolder, path: folder.path, reason: error.localizedDescription))
                }
            }
        }
        var collection = CheckpointStore.Collection(bytesBefore: 0, bytesAfter: 0)
        if let store {
            do { collection = try await store.collect(removing: removed.map(\.run), dryRun: dryRun) } catch {
                throw EngineError(.checkpoint, .io(.checkpointRepository, path: store.workspace.path, reason: "\(error)"))
            }
        }
        return Report(
            dryRun: dryRun, removed: removed, kept: kept,
            gitBytesBefore: collection.bytesBefore, gitBytesAfter: collection.bytesAfter)
    }

    /// The name the workspace lock shows while a collection holds it.
    public static let lockName = "belay-gc"

    /// The state repository, when the workspace has one (a dry run never creates it).
    private func checkpointStore() throws(EngineError) -> CheckpointStore? {
        guard FileManager.default.fileExists(atPath: workspace.appendingPathComponent(".belay/git/HEAD").path) else {
            return nil
        }
        do { return try CheckpointStore(workspace: workspace) } catch {
            throw EngineError(.checkpoint, .io(.checkpointRepository, path: workspace.path, reason: "\(error)"))
        }
    }

    /// The bytes of the regular files under `url`, links not followed.
    public static func bytes(under url: URL) -> Int64 { FolderSize.bytes(under: url.path) }
}
