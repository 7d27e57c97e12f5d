import Belay
import BelayGit
import Foundation
import NIOCore
import PostgresNIO
import Synchronization

/// Rollback points in the workspace's `.belay/git`, each commit also written to the store as a git
/// pack of the objects it adds to its parent, so a runner with a fresh checkout can restore any
/// point of a run another machine recorded.
///
/// Before every read or write of a run's points, the packs this process has not seen yet are indexed
/// into the local repository and the run's references set as the store has them: the store is the
/// truth, `.belay/git` a cache of it.
final class PostgresRollbackPoints: RollbackPoints, @unchecked Sendable {
    let local: GitRollbackPoints
    let session: StoreSession
    /// The last pack adopted, per run.
    private let adopted = Mutex<[String: Int]>([:])

    init(local: GitRollbackPoints, session: StoreSession) {
        self.local = local
        self.session = session
    }

    static func open(session: StoreSession, workspace: URL) throws(EngineError) -> PostgresRollbackPoints {
        do { return PostgresRollbackPoints(local: try GitRollbackPoints(workspace: workspace), session: session) } catch {
            throw EngineError(.checkpoint, .io(.checkpointRepository, path: workspace.path, reason: "\(error)"))
        }
    }

    func record(
        run: String, event: String, phase: String, point: String?, summary: String?, details: [(String, String)]
    ) async throws -> RecordedPoint? {
        try await sync(run: run)
        let parent = try await local.store.last(run: run)?.commit.hex
        guard let recorded = try await local.record(
            run: run, event: event, phase: phase, point: point, summary: summary, details: details)
        else { return nil }
        try await upload(run: run, commit: recorded, parent: parent, point: point)
        return recorded
    }

    func restore(run: String, point: String, event: String) async throws -> RestoreResult {
        try await sync(run: run)
        let parent = try await local.store.last(run: run)?.commit.hex
        let result = try await local.restore(run: run, point: point, event: event)
        if case .restored(let recorded) = result { try await upload(run: run, commit: recorded, parent: parent, point: nil) }
        return result
    }

    func point(run: String, name: String) async throws -> RecordedPoint? {
        try await sync(run: run)
        return try await local.point(run: run, name: name)
    }

    func diff(run: String, from: String, to: String?) async throws -> [FileChange] {
        try await sync(run: run)
        return try await local.diff(run: run, from: from, to: to)
    }

    func changesSinceLastCommit(run: String) async throws -> [String]? {
        try await sync(run: run)
        return try await local.changesSinceLastCommit(run: run)
    }

    /// The operator's version is kept as a commit of the run's history, shared like every other one.
    func preserve(run: String) async throws -> PreservedWorkspace? {
        try await sync(run: run)
        let parent = try await local.store.last(run: run)?.commit.hex
        guard let preserved = try await local.preserve(run: run) else { return nil }
        try await upload(run: run, commit: RecordedPoint(commit: preserved.commit, tree: preserved.tree), parent: parent, point: nil)
        return preserved
    }

    func repairPoint(run: String, name: String, commit: String) async throws -> RecordedPoint? {
        try await sync(run: run)
        return try await local.repairPoint(run: run, name: name, commit: commit)
    }

    func laterRun(than run: String) async throws -> LaterRun? {
        try await local.laterRun(than: run)
    }

    /// Writes the commit's pack (and its point name) to the store in one transaction.
    private func upload(run: String, commit: RecordedPoint, parent: String?, point: String?) async throws {
        let pack = try await local.store.pack(commit: commit.commit, parent: parent)
        let seq = try session.transaction { queries throws(EngineError) -> Int in
            let rows = try queries.rows("""
                INSERT INTO belay_point_packs (run_id, seq, head, pack)
                SELECT \(run), coalesce(max(seq), 0) + 1, \(commit.commit), \(ByteBuffer(bytes: pack)) FROM belay_point_packs WHERE run_id = \(run)
                RETURNING seq
                """)
            if let point {
                try queries.rows("""
                    INSERT INTO belay_points (run_id, name, commit_id, tree_id) VALUES (\(run), \(point), \(commit.commit), \(commit.tree))
                    ON CONFLICT (run_id, name) DO UPDATE SET commit_id = excluded.commit_id, tree_id = excluded.tree_id
                    """)
            }
            return (try? rows.first?.decode(Int.self)) ?? 0
        }
        adopted.withLock { $0[run] = max($0[run] ?? 0, seq) }
    }

    /// Adopts the run's packs this process has not seen, then its points.
    private func sync(run: String) async throws {
        let seen = adopted.withLock { $0[run] ?? 0 }
        let rows = try session.query("""
            SELECT seq, head, pack FROM belay_point_packs WHERE run_id = \(run) AND seq > \(seen) ORDER BY seq
            """)
        guard !rows.isEmpty else { return }
        let points = try session.query("SELECT name, commit_id FROM belay_points WHERE run_id = \(run)")
            .compactMap { try? $0.decode((String, String).self) }
        var last = seen
        for (index, row) in rows.enumerated() {
            let (seq, head, pack) = try row.decode((Int, String, Data).self)
            let named = index == rows.count - 1 ? points.map { (name: $0.0, commit: $0.1) } : []
            try await local.store.adopt(pack: pack, run: run, head: head, points: named)
            last = seq
        }
        adopted.withLock { $0[run] = max($0[run] ?? 0, last) }
    }
}
