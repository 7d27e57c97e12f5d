import Foundation
import Testing

/// playbooks/sqlite-migration, run in temporary copies: the database's schema and rows at every
/// boundary, a failing migration undone, and the migration scripts' own round trip.
@Suite struct SQLiteMigrationTests {
    /// The phases in order, with the schema version app.db has once each is done.
    static let boundaries: [(phase: String, version: Int)] = [
        ("seed", 0), ("backup", 0), ("customer-status", 1), ("orders-index", 2), ("order-events", 3),
        ("split-name", 4), ("data-check", 4),
    ]
    static let migrations = ["001_customer_status", "002_orders_by_customer", "003_order_events", "004_split_customer_name"]

    /// A copy of the playbook folder; commands run inside it.
    private func copy() throws -> (ScratchCopy, String) {
        (try ScratchCopy(["playbooks/sqlite-migration"]), "sqlite-migration")
    }

    /// `sqlite3 <db> <sql>` in the copy, trimmed.
    private func sql(_ scratch: ScratchCopy, _ database: String, _ statements: String) throws -> String {
        let result = try scratch.shell("sqlite3 -bail \(database) \(shellQuoted(statements))", in: "sqlite-migration")
        #expect(result.status == 0, "\(result.output)")
        return result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    private func schema(_ scratch: ScratchCopy, _ database: String) throws -> String {
        let result = try scratch.shell("sqlite3 -bail \(database) .schema", in: "sqlite-migration")
        #expect(result.status == 0, "\(result.output)")
        return result.stdout
    }

    /// The schema a database has after the seed and the first `count` migrations, built with sqlite3
    /// straight from the SQL files (no Belay, no migrate.sh): what each boundary must equal.
    private func referenceSchema(_ scratch: ScratchCopy, migrations count: Int) throws -> String {
        let name = "reference-\(count).db"
        var script = "rm -f \(name) && sqlite3 -bail \(name) < seed.sql"
        for (index, migration) in Self.migrations.prefix(count).enumerated() {
            script += " && { echo 'BEGIN;'; cat migrations/\(migration).up.sql; echo 'PRAGMA user_version = \(index + 1); COMMIT;'; } | sqlite3 -bail \(name)"
        }
        let built = try scratch.shell(script, in: "sqlite-migration")
        #expect(built.status == 0, "\(built.output)")
        defer { try? FileManager.default.removeItem(at: scratch.url("sqlite-migration/\(name)")) }
        return try schema(scratch, name)
    }

    /// Extracts `file` as recorded at a rollback point, reading Belay's state repository
    /// (loose git objects) with Python, so the test needs no git.
    private func fileAtPoint(_ scratch: ScratchCopy, run: String, point: String, file: String, to output: String) throws -> Bool {
        try scratch.write("point-file.py", Self.pointReader)
        let result = try scratch.shell(
            "python3 ../point-file.py .belay/git refs/belay/points/\(run)/\(point) \(file) \(output)", in: "sqlite-migration")
        return result.status == 0
    }

    private func counts(_ scratch: ScratchCopy, _ database: String) throws -> (customers: Int, orders: Int) {
        let text = try sql(scratch, database, "SELECT (SELECT count(*) FROM customers) || ' ' || (SELECT count(*) FROM orders);")
        let parts = text.split(separator: " ").compactMap { Int($0) }
        return (parts.first ?? -1, parts.last ?? -1)
    }

    // MARK: - A full run

    @Test func aFullRunMigratesToVersion4AndEveryBoundaryHoldsItsSchemaAndRows() throws {
        let (scratch, folder) = try copy()
        let run = try scratch.belay(["run", "\(folder)/playbook.yml", "--run-id", "full"])
        #expect(run.status == 0, "\(run.output)")
        #expect(run.stdout.contains("✓ Run full completed"))

        #expect(try sql(scratch, "app.db", "PRAGMA user_version;") == "4")
        #expect(try schema(scratch, "app.db") == (try referenceSchema(scratch, migrations: 4)))
        #expect(try counts(scratch, "app.db") == (3000, 12000))
        #expect(try sql(scratch, "app.db", "SELECT count(*) FROM order_events WHERE kind = 'placed';") == "12000")
        #expect(try sql(scratch, "app.db", "SELECT given_name || '|' || family_name FROM customers WHERE id = 7;") == "Customer|7 Example")
        #expect(try sql(scratch, "app.db", "SELECT count(*) FROM customers WHERE status = 'active';") == "3000")

        // Before the first phase there was no database; after each phase, exactly that boundary's.
        #expect(try !fileAtPoint(scratch, run: "full", point: "start", file: "app.db", to: "at-start.db"))
        for (phase, version) in Self.boundaries {
            let copy = "at-\(phase).db"
            #expect(try fileAtPoint(scratch, run: "full", point: phase, file: "app.db", to: copy), "no app.db at \(phase)")
            #expect(try sql(scratch, copy, "PRAGMA user_version;") == "\(version)", "version at \(phase)")
            #expect(try schema(scratch, copy) == (try referenceSchema(scratch, migrations: version)), "schema at \(phase)")
            #expect(try counts(scratch, copy) == (3000, 12000), "rows at \(phase)")
        }
        // The backup is kept out of the rollback points (.belayignore), in the workspace.
        #expect(try !fileAtPoint(scratch, run: "full", point: "backup", file: "backups/full.db", to: "backup-copy.db"))
        #expect(try sql(scratch, "backups/full.db", "PRAGMA user_version;") == "0")
    }

    @Test func theDataCheckPhaseCountsEveryTableOfTheBackup() throws {
        let (scratch, folder) = try copy()
        #expect(try scratch.belay(["run", "\(folder)/playbook.yml", "--run-id", "r"]).status == 0)
        let log = try #require(scratch.read("\(folder)/.belay/runs/r/logs/data-check.row-counts.run.1.log"))
        #expect(log.contains("✓ customers: 3000 rows"))
        #expect(log.contains("✓ orders: 12000 rows"))
        // And it fails when a row is missing.
        _ = try sql(scratch, "app.db", "DELETE FROM order_events WHERE order_id = 12000; DELETE FROM orders WHERE id = 12000;")
        let check = try scratch.shell("./check-data.sh backups/r.db", in: folder)
        #expect(check.status == 1)
        #expect(check.stderr.contains("✗ orders: 12000 rows before, 11999 after"))
    }

    // MARK: - A failing migration

    @Test func aFailingMigrationIsCompensatedBackToTheSeedSchema() throws {
        let (scratch, folder) = try copy()
        #expect(try scratch.shell("sqlite3 -bail app.db < seed.sql", in: folder).status == 0)   // the existing database
        let before = try schema(scratch, "app.db")

        let run = try scratch.belay(["run", "\(folder)/playbook.yml", "--run-id", "bad", "--var", "fail_migration=3"])
        #expect(run.status == 1, "\(run.output)")
        #expect(run.stdout.contains("✗ Run bad failed at order-events/migrate"))
        #expect(run.stdout.contains("missing_table_injected_by_fail_migration"))

        #expect(try sql(scratch, "app.db", "PRAGMA user_version;") == "0")
        #expect(try schema(scratch, "app.db") == before)
        #expect(try counts(scratch, "app.db") == (3000, 12000))
        // The backup made just before the failing migration is kept, by the compensation and the restore.
        #expect(try sql(scratch, "backups/bad.db", "PRAGMA user_version;") == "0")
        #expect(try schema(scratch, "backups/bad.db") == before)
        #expect(try counts(scratch, "backups/bad.db") == (3000, 12000))
        #expect(scratch.read("\(folder)/.belay/runs/bad/logs/backup.snapshot.compensate.1.log")?.contains("keeping the backup backups/bad.db") == true)
        // The compensations really ran the down migrations, newest first.
        let logs = "\(folder)/.belay/runs/bad/logs"
        #expect(scratch.read("\(logs)/orders-index.migrate.compensate.1.log")?.contains("002_orders_by_customer: reverted") == true)
        #expect(scratch.read("\(logs)/customer-status.migrate.compensate.1.log")?.contains("001_customer_status: reverted") == true)
        #expect(scratch.read("\(logs)/order-events.migrate.compensate.1.log")?.contains("not applied, nothing to revert") == true)
        let order = run.stdout.split(separator: "\n").filter { $0.contains("↺") && $0.contains("compensated") }
            .map { $0.trimmingCharacters(in: .whitespaces) }
        #expect(order.map { $0.split(separator: " ")[1] } == [
            "order-events/migrate", "orders-index/migrate", "customer-status/migrate", "backup/snapshot", "seed/create",
        ])
    }

    @Test func aFailingRunThatCreatedTheDatabaseRemovesIt() throws {
        let (scratch, folder) = try copy()
        let run = try scratch.belay(["run", "\(folder)/playbook.yml", "--run-id", "bad", "--var", "fail_migration=1"])
        #expect(run.status == 1, "\(run.output)")
        #expect(!scratch.exists("\(folder)/app.db"))
        #expect(scratch.exists("\(folder)/backups/bad.db"))   // the backup of the database it had seeded
    }

    // MARK: - Rolling back by hand

    /// Every boundary a full run can be rolled back to, with the schema version it had.
    @Test(arguments: [("start", -1)] + Self.boundaries.dropLast().map { ($0.phase, $0.version) })
    func rollbackToABoundaryGivesItsExactSchema(target: String, version: Int) throws {
        let (scratch, folder) = try copy()
        #expect(try scratch.shell("sqlite3 -bail app.db < seed.sql", in: folder).status == 0)   // the database before the run
        let seeded = try schema(scratch, "app.db")
        #expect(try scratch.belay(["run", "\(folder)/playbook.yml", "--run-id", "r"]).status == 0)
        // The schema each boundary had, read from the database as the run left it there.
        let expected = version < 0 ? seeded : try referenceSchema(scratch, migrations: version)

        let rollback = try scratch.belay(["rollback", "r", "--to", target, "--workspace", folder])
        #expect(rollback.status == 0, "\(rollback.output)")
        #expect(rollback.stdout.contains("rolled back to \(target)"))
        #expect(try schema(scratch, "app.db") == expected)
        #expect(try sql(scratch, "app.db", "PRAGMA user_version;") == "\(max(version, 0))")
        #expect(try counts(scratch, "app.db") == (3000, 12000))
        // The down migrations of the phases after the target really ran, newest first.
        let undone = Self.boundaries.filter { $0.version > max(version, 0) && $0.phase != "data-check" }
        for boundary in undone {
            let log = scratch.read("\(folder)/.belay/runs/r/logs/\(boundary.phase).migrate.compensate.1.log") ?? ""
            #expect(log.contains("reverted (schema version \(boundary.version - 1))"), "\(boundary.phase): \(log)")
        }
        #expect(scratch.exists("\(folder)/backups/r.db"))   // kept, whatever the target
    }

    @Test
    func rollbacksCanStepBackOneBoundaryAtATime() throws {
        let (scratch, folder) = try copy()
        #expect(try scratch.belay(["run", "\(folder)/playbook.yml", "--run-id", "r"]).status == 0)
        for (target, version) in [("split-name", 4), ("order-events", 3), ("orders-index", 2), ("customer-status", 1), ("backup", 0)] {
            let rollback = try scratch.belay(["rollback", "r", "--to", target, "--workspace", folder])
            #expect(rollback.status == 0, "\(rollback.output)")
            #expect(try sql(scratch, "app.db", "PRAGMA user_version;") == "\(version)", "after rolling back to \(target)")
            #expect(try schema(scratch, "app.db") == (try referenceSchema(scratch, migrations: version)))
        }
        let status = try scratch.belay(["status", "r", "--workspace", folder, "--json"])
        #expect(status.stdout.contains("rolled_back"))
    }

    // MARK: - The scripts on their own

    @Test func everyMigrationRevertsToTheExactSchemaBeforeIt() throws {
        let (scratch, folder) = try copy()
        #expect(try scratch.shell("sqlite3 -bail app.db < seed.sql", in: folder).status == 0)
        var schemas = [try schema(scratch, "app.db")]
        for migration in Self.migrations {
            let up = try scratch.shell("./migrate.sh up \(migration) && ./migrate.sh up \(migration) && ./migrate.sh verify \(migration)", in: folder)
            #expect(up.status == 0, "\(up.output)")
            #expect(up.stdout.contains("\(migration): already applied"))
            schemas.append(try schema(scratch, "app.db"))
        }
        for (index, migration) in Self.migrations.enumerated().reversed() {
            let down = try scratch.shell("./migrate.sh down \(migration) && ./migrate.sh down \(migration)", in: folder)
            #expect(down.status == 0, "\(down.output)")
            #expect(try schema(scratch, "app.db") == schemas[index], "after reverting \(migration)")
            #expect(try sql(scratch, "app.db", "PRAGMA user_version;") == "\(index)")
        }
        #expect(try counts(scratch, "app.db") == (3000, 12000))
    }

    // MARK: - Support

    private func shellQuoted(_ text: String) -> String { "'" + text.replacingOccurrences(of: "'", with: #"'\''"#) + "'" }

    /// Prints nothing; writes the file `path` of the tree at `ref` to `out`; exit 3 when absent.
    static let pointReader = #"""
        import os, sys, zlib
        git, ref, path, out = sys.argv[1:5]
        def read(oid):
            with open(os.path.join(git, "objects", oid[:2], oid[2:]), "rb") as f:
                data = zlib.decompress(f.read())
            return data.partition(b"\0")[2]
        commit = read(open(os.path.join(git, ref)).read().strip())
        oid = commit.split(b"\n")[0].split(b" ")[1].decode()
        for name in path.split("/"):
            tree, found = read(oid), None
            while tree:
                head, _, rest = tree.partition(b"\0")
                if head.partition(b" ")[2].decode() == name:
                    found = rest[:20].hex()
                tree = rest[20:]
            if found is None:
                sys.exit(3)
            oid = found
        open(out, "wb").write(read(oid))
        """#
}
