import Foundation
import Belay
import PostgresNIO

/// Belay's tables in the store, created and migrated by Belay itself.
///
/// Each migration is applied once, in order, in one transaction, and recorded in
/// `belay_schema_migrations`; an advisory lock makes concurrent runners wait for the first one to
/// finish migrating instead of racing it. Migrations are never edited once released: a change is a
/// new migration at the end of the list (docs/store.md describes the tables).
enum StoreSchema {
    /// The advisory lock key of migrations ("belay" in ASCII).
    static let migrationLock: Int64 = 0x62_65_6C_61_79

    static let migrations: [String] = [
        // 1: runs, their journals, the locks and their history, rollback points.
        """
        CREATE TABLE belay_runs (
            run_id text PRIMARY KEY,
            lock_name text NOT NULL,
            workspace text NOT NULL,
            created_at timestamptz NOT NULL DEFAULT now()
        );
        CREATE TABLE belay_run_files (
            run_id text NOT NULL,
            name text NOT NULL,
            content text NOT NULL,
            PRIMARY KEY (run_id, name)
        );
        CREATE TABLE belay_events (
            run_id text NOT NULL REFERENCES belay_runs (run_id) ON DELETE CASCADE,
            seq integer NOT NULL,
            line text NOT NULL,
            lock_epoch bigint NOT NULL,
            PRIMARY KEY (run_id, seq)
        );
        CREATE TABLE belay_locks (
            name text PRIMARY KEY,
            epoch bigint NOT NULL,
            run_id text,
            pid integer,
            host text,
            since timestamptz,
            expires_at timestamptz
        );
        CREATE TABLE belay_lock_queue (
            ticket bigserial PRIMARY KEY,
            name text NOT NULL,
            run_id text NOT NULL,
            pid integer NOT NULL,
            host text NOT NULL,
            seen_at timestamptz NOT NULL DEFAULT now()
        );
        CREATE INDEX belay_lock_queue_name ON belay_lock_queue (name, ticket);
        CREATE TABLE belay_lock_log (
            id bigserial PRIMARY KEY,
            name text NOT NULL,
            epoch bigint NOT NULL,
            action text NOT NULL,
            run_id text,
            pid integer,
            host text,
            note text,
            at timestamptz NOT NULL DEFAULT now()
        );
        CREATE TABLE belay_point_packs (
            run_id text NOT NULL,
            seq integer NOT NULL,
            head text NOT NULL,
            pack bytea NOT NULL,
            PRIMARY KEY (run_id, seq)
        );
        CREATE TABLE belay_points (
            run_id text NOT NULL,
            name text NOT NULL,
            commit_id text NOT NULL,
            tree_id text NOT NULL,
            PRIMARY KEY (run_id, name)
        )
        """,
    ]

    /// Brings the store's schema up to date; a store already current costs two queries, and needs no
    /// right to create tables. A store migrated by a newer Belay is refused: this one would not know
    /// its tables.
    static func migrate(_ session: StoreSession) throws(EngineError) {
        if try version(session) == migrations.count { return }
        try session.exclusive { queries throws(EngineError) in
            try queries.run("SELECT pg_advisory_lock(\(migrationLock))")
            defer { _ = try? queries.run("SELECT pg_advisory_unlock(\(migrationLock))") }
            try queries.run("""
                CREATE TABLE IF NOT EXISTS belay_schema_migrations (
                    version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())
                """)
            let rows = try queries.rows("SELECT coalesce(max(version), 0)::int8 FROM belay_schema_migrations")
            let current = (try? rows.first?.decode(Int.self)) ?? 0
            try refuseNewer(current, session)
            for (index, sql) in migrations.enumerated() where index + 1 > current {
                try queries.run("BEGIN")
                do {
                    for statement in sql.components(separatedBy: ";\n") where !statement.allSatisfy(\.isWhitespace) {
                        try queries.run(statement)
                    }
                    try queries.rows("INSERT INTO belay_schema_migrations (version) VALUES (\(index + 1))")
                    try queries.run("COMMIT")
                } catch {
                    _ = try? queries.run("ROLLBACK")
                    throw StoreSession.engineError(error)
                }
            }
        }
    }

    /// The store's schema version: 0 for a store Belay never used.
    static func version(_ session: StoreSession) throws(EngineError) -> Int {
        let table = try session.query("SELECT to_regclass('belay_schema_migrations') IS NOT NULL")
        guard (try? table.first?.decode(Bool.self)) == true else { return 0 }
        let rows = try session.query("SELECT coalesce(max(version), 0)::int8 FROM belay_schema_migrations")
        let version = (try? rows.first?.decode(Int.self)) ?? 0
        try refuseNewer(version, session)
        return version
    }

    private static func refuseNewer(_ version: Int, _ session: StoreSession) throws(EngineError) {
        guard version > migrations.count else { return }
        throw session.inconsistent(
            "its schema is at version \(version), newer than this belay knows (\(migrations.count)); "
                + "use a belay at least as new as the newest one that used this store")
    }
}
