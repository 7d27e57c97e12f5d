import Foundation
import Testing

/// playbooks/postgres-migration through the real `belay`, against a real PostgreSQL server (one private
/// cluster for the suite, a database of its own per test, a copy of the playbook folder per test): a
/// full run, a failing fifth migration undone, and `rollback --to` every boundary.
@Suite(.postgres) struct PostgresMigrationTests {
    static let migrations = ["001_order_events", "002_customer_status", "003_orders_by_customer", "004_customer_totals"]
    /// The phases in order, with how many migrations are applied once each is done (-1: there is no
    /// schema_migrations yet, the database is as it was before the run).
    static let boundaries: [(phase: String, applied: Int)] = [
        ("backup", -1), ("track", 0), ("order-events", 1), ("customer-status", 2), ("orders-index", 3), ("customer-totals", 4),
    ]
    static let folder = "postgres-migration"

    /// A seeded database of its own and a copy of the playbook folder.
    struct Fixture {
        let server: PostgresServer
        let scratch: ScratchCopy
        let database: String

        /// `belay run` with the connection passed as vars, as a user would.
        func run(_ id: String, _ extra: [String] = []) throws -> ToolResult {
            try scratch.belay(["run", "\(PostgresMigrationTests.folder)/playbook.yml", "--run-id", id,
                               "--var", "pghost=\(server.host)", "--var", "pgport=\(server.port)",
                               "--var", "pguser=\(server.user)", "--var", "pgdatabase=\(database)"] + extra)
        }

        func belay(_ arguments: [String]) throws -> ToolResult { try scratch.belay(arguments) }

        @discardableResult
        func psql(_ sql: String) throws -> String { try server.psql(sql, database: database) }

        func schema() throws -> String { try server.schema(database: database) }

        /// A bash script in the playbook's copy, with libpq's variables pointing at this database.
        func shell(_ script: String) throws -> ToolResult {
            let env = server.environment(database: database).map { "\($0.key)=\(PostgresServer.quoted($0.value))" }.sorted()
            return try scratch.shell("export \(env.joined(separator: " ")); \(script)", in: PostgresMigrationTests.folder)
        }

        /// The schema.sql a rollback point recorded, read from Belay's state repository; nil when absent.
        func recordedSchema(run: String, point: String) throws -> String? {
            try scratch.write("point-file.py", SQLiteMigrationTests.pointReader)
            let out = "schema-at-\(point).sql"
            let result = try scratch.shell(
                "python3 ../point-file.py .belay/git refs/belay/points/\(run)/\(point) schema.sql ../\(out)", in: PostgresMigrationTests.folder)
            return result.status == 0 ? scratch.read(out) : nil
        }

        var backups: [String] {
            ((try? FileManager.default.contentsOfDirectory(atPath: scratch.url("\(PostgresMigrationTests.folder)/backups").path)) ?? []).sorted()
        }
    }

    private func fixture() throws -> Fixture {
        let server = try PostgresServer.suite()
        let fixture = Fixture(server: server, scratch: try ScratchCopy(["playbooks/postgres-migration"]), database: try server.createDatabase())
        let seeded = try fixture.shell("psql -X -q -v ON_ERROR_STOP=1 -f seed.sql")
        #expect(seeded.status == 0, "\(seeded.output)")
        return fixture
    }

    /// The schema after the seed, schema_migrations and the first `count` migrations, built with psql
    /// straight from the SQL files in a database of its own (no Belay, no migrate.sh).
    private func referenceSchemas(_ fixture: Fixture) throws -> [String] {
        let server = fixture.server
        let database = try server.createDatabase()
        let files = fixture.scratch.url(Self.folder)
        try server.psql(try String(contentsOf: files.appendingPathComponent("seed.sql"), encoding: .utf8), database: database)
        try server.psql(
            "CREATE TABLE schema_migrations (version text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now());",
            database: database)
        var schemas = [try server.schema(database: database)]
        for migration in Self.migrations {
            let up = try String(contentsOf: files.appendingPathComponent("migrations/\(migration).up.sql"), encoding: .utf8)
            try server.psql("BEGIN;\n\(up)\nCOMMIT;", database: database)
            schemas.append(try server.schema(database: database))
        }
        try server.psql("DROP DATABASE \(database)")
        return schemas
    }

    private func applied(_ fixture: Fixture) throws -> [String] {
        try fixture.psql("SELECT version FROM schema_migrations ORDER BY version").split(separator: "\n").map(String.init)
    }

    // MARK: - A full run

    @Test func aFullRunAppliesTheFourMigrationsAndEveryPointRecordsItsSchema() throws {
        let fixture = try fixture()
        let start = try fixture.schema()
        let run = try fixture.run("full")
        #expect(run.status == 0, "\(run.output)")
        #expect(run.stdout.contains("✓ Run full completed"))

        #expect(try applied(fixture) == Self.migrations)
        #expect(try fixture.psql("SELECT to_regclass('order_events') IS NOT NULL, to_regclass('customer_totals') IS NOT NULL") == "t|t")
        #expect(try fixture.psql("""
            SELECT data_type || ' ' || is_nullable || ' ' || column_default FROM information_schema.columns
             WHERE table_name = 'customers' AND column_name = 'status'
            """) == "text NO 'active'::text")
        #expect(try fixture.psql("SELECT indexdef FROM pg_indexes WHERE indexname = 'orders_by_customer'")
            == "CREATE INDEX orders_by_customer ON public.orders USING btree (customer_id, placed_on)")
        #expect(try fixture.psql("SELECT count(*), sum(order_count), sum(amount_cents) = (SELECT sum(amount_cents) FROM orders) FROM customer_totals")
            == "1000|5000|t")
        #expect(try fixture.psql("SELECT count(*) FROM customers WHERE status = 'active'") == "1000")

        // The live schema, and the one each rollback point recorded, equal the SQL files applied by hand.
        let reference = try referenceSchemas(fixture)
        #expect(try fixture.schema() == reference[4])
        #expect(try fixture.recordedSchema(run: "full", point: "start") == nil)
        for (phase, count) in Self.boundaries {
            #expect(try fixture.recordedSchema(run: "full", point: phase) == (count < 0 ? start : reference[count]), "schema.sql at \(phase)")
        }

        // The backup is a dump of the database before the run, in the workspace.
        #expect(fixture.backups == ["\(fixture.database)-full.dump"])
        let list = try fixture.shell("pg_restore --list backups/\(fixture.database)-full.dump")
        #expect(list.status == 0)
        #expect(list.stdout.contains("TABLE DATA public customers"))
        #expect(!list.stdout.contains("order_events"))

        // A second run finds everything applied and changes nothing.
        let again = try fixture.run("again")
        #expect(again.status == 0, "\(again.output)")
        #expect(fixture.scratch.read("\(Self.folder)/.belay/runs/again/logs/order-events.migrate.run.1.log")?
            .contains("001_order_events: already applied") == true)
        #expect(try fixture.schema() == reference[4])
    }

    // MARK: - A failing migration

    /// A fifth migration that fails the way real ones do: its first statements succeed, then one fails
    /// (there are customers without a region), and the transaction rolls back.
    private func addFailingFifthMigration(_ fixture: Fixture) throws {
        let folder = Self.folder
        try fixture.scratch.write("\(folder)/migrations/005_customer_region.up.sql", """
            ALTER TABLE customers ADD COLUMN region text;
            UPDATE customers SET region = 'eu' WHERE id % 2 = 0;
            ALTER TABLE customers ALTER COLUMN region SET NOT NULL;
            """)
        try fixture.scratch.write("\(folder)/migrations/005_customer_region.down.sql", "ALTER TABLE customers DROP COLUMN IF EXISTS region;\n")
        try fixture.scratch.write("\(folder)/migrations/005_customer_region.verify.sql", "SELECT count(*) = 0 FROM customers WHERE region IS NULL;\n")
        let playbook = try #require(fixture.scratch.read("\(folder)/playbook.yml"))
        try fixture.scratch.write("\(folder)/playbook.yml", playbook + """

              - id: customer-region
                name: "005: customers get a region"
                steps:
                  - id: migrate
                    run: ./migrate.sh up 005_customer_region && ./migrate.sh schema > schema.sql
                    verify: ./migrate.sh verify 005_customer_region
                    compensate: ./migrate.sh down 005_customer_region
                    idempotent: true

            """)
    }

    @Test func aFailingFifthMigrationIsCompensatedBackToTheStartSchemaAndKeepsTheBackup() throws {
        let fixture = try fixture()
        try addFailingFifthMigration(fixture)
        let start = try fixture.schema()

        let run = try fixture.run("bad")
        #expect(run.status == 1, "\(run.output)")
        #expect(run.stdout.contains("✗ Run bad failed at customer-region/migrate"))
        #expect(run.stdout.contains("column \"region\" of relation \"customers\" contains null values"))

        // The database has exactly the schema it had before the run: no migration, no schema_migrations.
        #expect(try fixture.schema() == start)
        #expect(try fixture.psql("SELECT to_regclass('schema_migrations') IS NULL") == "t")
        #expect(try fixture.psql("SELECT (SELECT count(*) FROM customers) || ' ' || (SELECT count(*) FROM orders)") == "1000 5000")

        // The compensations ran the down migrations, newest first, then dropped the table the run made.
        let order = run.stdout.split(separator: "\n").filter { $0.contains("↺") && $0.contains("compensated") }
            .map { $0.trimmingCharacters(in: .whitespaces).split(separator: " ")[1] }
        #expect(order == [
            "customer-region/migrate", "customer-totals/migrate", "orders-index/migrate", "customer-status/migrate",
            "order-events/migrate", "track/table", "backup/dump",
        ])
        let logs = "\(Self.folder)/.belay/runs/bad/logs"
        #expect(fixture.scratch.read("\(logs)/customer-region.migrate.compensate.1.log")?.contains("not applied, nothing to revert") == true)
        #expect(fixture.scratch.read("\(logs)/customer-totals.migrate.compensate.1.log")?.contains("004_customer_totals: reverted") == true)
        #expect(fixture.scratch.read("\(logs)/track.table.compensate.1.log")?.contains("schema_migrations: dropped") == true)
        #expect(fixture.scratch.read("\(logs)/backup.dump.compensate.1.log")?.contains("keeping the backup backups/") == true)

        // The backup made just before the failure is still there, after the compensation and the restore
        // of the workspace, and it restores to the start schema.
        let backup = "backups/\(fixture.database)-bad.dump"
        #expect(fixture.backups == ["\(fixture.database)-bad.dump"])
        let restored = try fixture.server.createDatabase()
        let restore = try fixture.shell("pg_restore --exit-on-error -d \(restored) \(backup)")
        #expect(restore.status == 0, "\(restore.output)")
        #expect(try fixture.server.schema(database: restored) == start)
        #expect(try fixture.server.psql("SELECT count(*) FROM orders", database: restored) == "5000")
    }

    @Test func aMigratorHoldingTheAdvisoryLockStopsTheRunUntilItLetsGo() throws {
        let fixture = try fixture()
        let start = try fixture.schema()
        let ours = "database = (SELECT oid FROM pg_database WHERE datname = current_database())"
        // Another migrator of this database holds the lock, in a session of its own.
        let holder = try fixture.shell("""
            key=$(sed -n 's/^LOCK_KEY=${MIGRATION_LOCK_KEY:-\\([0-9]*\\)}$/\\1/p' migrate.sh)
            psql -X -q -c "SELECT pg_advisory_lock($key)" -c "SELECT pg_sleep(60)" > /dev/null 2>&1 &
            for _ in $(seq 100); do
              [ "$(psql -X -tA -c "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted AND \(ours)")" = 1 ] && exit 0
              sleep 0.1
            done
            exit 1
            """)
        #expect(holder.status == 0, "\(holder.output)")
        let release = "SELECT count(pg_terminate_backend(pid)) FROM pg_locks WHERE locktype = 'advisory' AND \(ours)"
        defer { _ = try? fixture.psql(release) }

        // The first step that needs the lock waits 1 s, then fails; so does its compensation, which
        // needs the lock too: the run is stuck rather than half undone.
        let run = try fixture.run("locked", ["--var", "lock_timeout=1s"])
        #expect(run.status == 3, "\(run.output)")
        #expect(run.stdout.contains("failed at track/table"))
        #expect(run.output.contains("canceling statement due to lock timeout"))
        #expect(try fixture.psql("SELECT to_regclass('schema_migrations') IS NULL") == "t")

        // Once the other migrator is gone, resume finishes the unwind.
        #expect(try fixture.psql(release) == "1")
        let resume = try fixture.belay(["resume", "locked", "--workspace", Self.folder])
        #expect(resume.status == 1, "\(resume.output)")
        #expect(try fixture.schema() == start)
        #expect(fixture.backups == ["\(fixture.database)-locked.dump"])
    }

    // MARK: - Rolling back by hand

    /// Every boundary a full run can be rolled back to, with how many migrations it had applied
    /// (-1: none, not even schema_migrations).
    @Test func theSchemaCaptureShowsEachMigrationsDDLAndAHandMadeChangeIsRefusedAsDrift() throws {
        let fixture = try fixture()
        #expect(try fixture.run("r").status == 0)
        let points = try fixture.belay(["points", "r", "--workspace", Self.folder])
        #expect(points.status == 0, "\(points.output)")
        #expect(points.stdout.components(separatedBy: "captures: changed schema").count - 1 == 5, "\(points.stdout)")
        let diff = try fixture.belay(["diff", "r", "orders-index", "--workspace", Self.folder])
        #expect(diff.stdout.contains("+CREATE INDEX orders_by_customer"), "\(diff.stdout)")
        let dry = try fixture.belay(["rollback", "r", "--to", "customer-status", "--dry-run", "--workspace", Self.folder])
        #expect(dry.stdout.contains("-CREATE INDEX orders_by_customer"), "\(dry.stdout)")

        // A column added by hand: the rollback refuses and shows it.
        try fixture.psql("ALTER TABLE customers ADD COLUMN nickname text;")
        let refused = try fixture.belay(["rollback", "r", "--to", "customer-status", "--workspace", Self.folder])
        #expect(refused.status == 2, "\(refused.output)")
        #expect(refused.stderr.contains("capture schema differs"), "\(refused.stderr)")
        #expect(refused.stderr.contains("nickname"), "\(refused.stderr)")

        try fixture.psql("ALTER TABLE customers DROP COLUMN nickname;")
        let rollback = try fixture.belay(["rollback", "r", "--to", "customer-status", "--workspace", Self.folder])
        #expect(rollback.status == 0, "\(rollback.output)")
        #expect(rollback.stdout.contains("captures verified against customer-status: schema verified"), "\(rollback.stdout)")
    }

    @Test(arguments: [("start", -1)] + Self.boundaries.dropLast().map { ($0.phase, $0.applied) })
    func rollbackToABoundaryGivesThatBoundarysExactSchema(target: String, applied count: Int) throws {
        let fixture = try fixture()
        let before = try fixture.schema()
        #expect(try fixture.run("r").status == 0)
        // What the run recorded at the boundary (schema.sql in the rollback point).
        let recorded = target == "start" ? before : try #require(try fixture.recordedSchema(run: "r", point: target))

        let rollback = try fixture.belay(["rollback", "r", "--to", target, "--workspace", Self.folder])
        #expect(rollback.status == 0, "\(rollback.output)")
        #expect(rollback.stdout.contains("rolled back to \(target)"))
        // The schema capture, taken again after the rollback, equals what the point kept.
        #expect(rollback.stdout.contains("captures verified against \(target): schema verified"), "\(rollback.stdout)")
        #expect(try fixture.schema() == recorded)
        #expect(try fixture.schema() == (count < 0 ? before : try referenceSchemas(fixture)[count]))
        if count >= 0 {
            #expect(try applied(fixture) == Array(Self.migrations.prefix(count)))
        } else {
            #expect(try fixture.psql("SELECT to_regclass('schema_migrations') IS NULL") == "t")
        }
        // The workspace's schema.sql is the boundary's again, and the backup is still there.
        #expect(fixture.scratch.read("\(Self.folder)/schema.sql") == (target == "start" ? nil : recorded))
        #expect(fixture.backups == ["\(fixture.database)-r.dump"])
    }
}

/// The test helper's own promise: a server it starts is gone, folder and processes, once stopped, also
/// when the test using it fails.
@Suite struct PostgresServerTests {
    struct Expected: Error {}

    @Test func aStoppedServerLeavesNoProcessAndNoFolder() throws {
        var seen: PostgresServer?
        #expect(throws: Expected.self) {
            try PostgresServer.with { server in
                seen = server
                #expect(server.isRunning)
                #expect(try server.psql("SELECT current_setting('listen_addresses'), current_setting('port')") == "127.0.0.1|\(server.port)")
                #expect(FileManager.default.fileExists(atPath: server.root.appendingPathComponent(".s.PGSQL.\(server.port)").path))
                throw Expected()   // a failing test: the server must be stopped all the same
            }
        }
        let server = try #require(seen)
        #expect(!server.isRunning, "postmaster \(server.postmasterPID) still runs")
        #expect(server.leftovers().isEmpty, "\(server.leftovers())")
        #expect(!FileManager.default.fileExists(atPath: server.root.path))
        #expect(throws: (any Error).self) { try server.psql("SELECT 1") }
    }
}
