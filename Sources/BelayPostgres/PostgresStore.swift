import Belay
import BelayGit
import Foundation

/// Belay's runs in PostgreSQL: journals, rollback points and environment locks shared by every
/// runner that has the store's URL (docs/store.md).
///
/// ```swift
/// let store = try PostgresStore.open("postgres://belay@db/belay", workspace: url, lock: "prod-db")
/// let engine = Engine(workspace: url, stores: store.stores)
/// ```
public struct PostgresStore: Sendable {
    public let address: StoreAddress
    public let stores: RunStores
    public let locks: PostgresRunLocks
    let session: StoreSession

    /// Connects, migrates the schema, and opens the three stores for `workspace`; runs not recorded
    /// yet lock `lock`.
    /// - Throws: `.storeUnreachable` when the server cannot be reached: nothing was started.
    public static func open(_ url: String, workspace: URL, lock: String) throws(EngineError) -> PostgresStore {
        let address = try StoreAddress(url)
        let session = StoreSession(address: address)
        try StoreSchema.migrate(session)
        let workspace = workspace.standardizedFileURL
        let locks = PostgresRunLocks(session: session, defaultName: lock)
        let journal = PostgresRunJournal(session: session, locks: locks, workspace: workspace.path)
        let points = try PostgresRollbackPoints.open(session: session, workspace: workspace)
        return PostgresStore(
            address: address, stores: RunStores(journal: journal, points: points, locks: locks), locks: locks,
            session: session)
    }

    /// The store's locks alone, for work that takes an environment's lock but keeps no run in the
    /// store (a rehearsal): nothing is opened in the workspace.
    public static func locks(_ url: String, lock: String) throws(EngineError) -> PostgresRunLocks {
        let session = StoreSession(address: try StoreAddress(url))
        try StoreSchema.migrate(session)
        return PostgresRunLocks(session: session, defaultName: lock)
    }

    /// Keeps the playbook a run started with, so a runner elsewhere can resume it.
    public func saveSnapshot(run: String, source: String) throws(EngineError) {
        try session.query("""
            INSERT INTO belay_run_files (run_id, name, content) VALUES (\(run), 'playbook.yml', \(source))
            ON CONFLICT (run_id, name) DO UPDATE SET content = excluded.content
            """)
    }

    /// The playbook a run started with, if the store has it.
    public func snapshot(run: String) throws(EngineError) -> String? {
        let rows = try session.query("SELECT content FROM belay_run_files WHERE run_id = \(run) AND name = 'playbook.yml'")
        return try? rows.first?.decode(String.self)
    }
}
