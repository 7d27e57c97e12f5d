import Foundation
import Testing

/// Captures (docs/captures.md) against a real SQLite database kept outside the workspace, so only
/// compensations change it and a restore of the files cannot: what the captures see is the target.
@Suite struct CaptureTests {
    /// A playbook that creates a table, then an index (whose compensation is `indexUndo`), with a
    /// `schema` capture of the database. `captureExtra` adds lines under `capture:`.
    static func playbook(
        database: String, indexUndo: String, tableUndo: String? = nil, schema: String? = nil, captureExtra: String = "",
        checkpoint: Bool = false
    ) -> String {
        let db = yamlQuoted(database)
        return """
            name: capture-test
            capture:
              schema: \(schema ?? "sqlite3 \(db) .schema")
            \(captureExtra)
            defaults:
              retry: { attempts: 1, delay: 10ms }
            phases:
              - id: tables
                steps:
                  - id: create
                    run: sqlite3 \(db) 'CREATE TABLE orders(id INTEGER PRIMARY KEY, customer INTEGER);'
                    compensate: \(tableUndo ?? "sqlite3 \(db) 'DROP TABLE IF EXISTS orders;'")
              - id: index
                steps:
                  - id: note
                    run: echo indexed > note.txt
                    compensate: rm -f note.txt
                  - id: add
                    run: sqlite3 \(db) 'CREATE INDEX orders_by_customer ON orders(customer);'
                    compensate: \(indexUndo)
            \(checkpoint ? "        checkpoint: before" : "")

            """
    }

    static let dropIndex = "sqlite3 DB 'DROP INDEX IF EXISTS orders_by_customer;'"

    /// A fixture whose database is `<root>/app.db`, outside the workspace.
    private func fixture(forgetIndex: Bool = false, forgetTable: Bool = false, strict: Bool = false, captureExtra: String = "", checkpoint: Bool = false) throws -> (RunFixture, String) {
        let holder = try RunFixture(playbook: "name: x\nphases: []\n")
        let database = holder.root.appendingPathComponent("app.db").path
        let undo = forgetIndex ? "'true'" : yamlQuoted(Self.dropIndex.replacingOccurrences(of: "DB", with: shellQuotedPath(database)))
        let schema = strict ? "{ run: sqlite3 \(yamlQuoted(database)) .schema, verify: strict }" : nil
        try Self.playbook(
            database: database, indexUndo: undo, tableUndo: forgetTable ? "'true'" : nil, schema: schema, captureExtra: captureExtra, checkpoint: checkpoint)
            .write(to: holder.playbook, atomically: true, encoding: .utf8)
        return (holder, database)
    }

    private func shellQuotedPath(_ path: String) -> String { "'" + path.replacingOccurrences(of: "'", with: #"'\''"#) + "'" }

    private func ws(_ fixture: RunFixture) -> [String] { ["--workspace", fixture.workspace.path] }

    @Test func everyBoundaryKeepsTheSchemaAndPointsAndDiffShowWhatChanged() throws {
        let (fixture, _) = try fixture()
        let run = try fixture.run()
        #expect(run.status == 0, "\(run.output)")
        let recorded = try fixture.journal().filter { $0["event"] as? String == "captures_recorded" }
        #expect(recorded.compactMap { $0["point"] as? String } == ["start", "tables", "index"])
        #expect(recorded.allSatisfy { ($0["captures"] as? [String: String]) == ["schema": "recorded"] })
        // The captures live under a ref of their own; the point's tree holds only the workspace's files.
        let atIndex = try fixture.git(["show", "refs/belay/captures/r1/index:schema"])
        #expect(atIndex.contains("CREATE INDEX orders_by_customer"))
        let pointFiles = try fixture.git(["ls-tree", "-r", "--name-only", "refs/belay/points/r1/index"])
        #expect(!pointFiles.contains("schema"))

        let points = try fixture.belay(["points", "r1"] + ws(fixture))
        #expect(points.status == 0, "\(points.output)")
        #expect(points.stdout.contains("captures: changed schema"), "\(points.stdout)")

        let diff = try fixture.belay(["diff", "r1", "tables"] + ws(fixture))
        #expect(diff.status == 0, "\(diff.output)")
        #expect(diff.stdout.contains("+CREATE TABLE orders"), "\(diff.stdout)")
        let json = try fixture.belay(["diff", "r1", "index", "--json"] + ws(fixture))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        let captures = try #require(object["captures"] as? [[String: Any]])
        #expect(captures.first?["status"] as? String == "differs")
        #expect((captures.first?["diff"] as? String)?.contains("+CREATE INDEX orders_by_customer") == true)
    }

    @Test func aRollbackThatRestoresTheSchemaIsVerified() throws {
        let (fixture, _) = try fixture()
        #expect(try fixture.run().status == 0)
        let dry = try fixture.belay(["rollback", "r1", "--to", "tables", "--dry-run"] + ws(fixture))
        #expect(dry.status == 0, "\(dry.output)")
        #expect(dry.stdout.contains("-CREATE INDEX orders_by_customer"), "\(dry.stdout)")

        let rollback = try fixture.belay(["rollback", "r1", "--to", "tables"] + ws(fixture))
        #expect(rollback.status == 0, "\(rollback.output)")
        let verified = try #require(try fixture.journal().last { $0["event"] as? String == "captures_verified" })
        #expect(verified["captures"] as? [String: String] == ["schema": "verified"])
        let status = try fixture.belay(["status", "r1"] + ws(fixture))
        #expect(status.stdout.contains("captures verified against tables: schema verified"), "\(status.stdout)")
    }

    @Test func aRollbackWhoseCompensationForgetsTheIndexIsReportedUnverifiedWithTheDiff() throws {
        let (fixture, _) = try fixture(forgetIndex: true)
        #expect(try fixture.run().status == 0)
        let rollback = try fixture.belay(["rollback", "r1", "--to", "tables"] + ws(fixture))
        #expect(rollback.status == 0, "a warning only, without verify: strict: \(rollback.output)")
        let verified = try #require(try fixture.journal().last { $0["event"] as? String == "captures_verified" })
        #expect(verified["captures"] as? [String: String] == ["schema": "differs"])
        #expect((verified["note"] as? String)?.contains("+CREATE INDEX orders_by_customer") == true)
        let status = try fixture.belay(["status", "r1"] + ws(fixture))
        #expect(status.stdout.contains("captures NOT verified against tables"), "\(status.stdout)")
        #expect(status.stdout.contains("+CREATE INDEX orders_by_customer"), "\(status.stdout)")
        let json = try fixture.belay(["status", "r1", "--json"] + ws(fixture))
        #expect(json.stdout.contains("\"verified\" : false") || json.stdout.contains("\"verified\": false"), "\(json.stdout)")
    }

    @Test func aStrictCaptureThatDiffersFailsTheRollback() throws {
        let (fixture, _) = try fixture(forgetIndex: true, strict: true)
        #expect(try fixture.run().status == 0)
        let rollback = try fixture.belay(["rollback", "r1", "--to", "tables"] + ws(fixture))
        #expect(rollback.status == 1, "\(rollback.output)")
        let status = try fixture.belay(["status", "r1"] + ws(fixture))
        #expect(status.stdout.contains("verify: strict"), "\(status.stdout)")
    }

    @Test func anUnwindIsVerifiedAgainstTheStartPoint() throws {
        let (fixture, database) = try fixture()
        // A third phase that fails: the unwind drops the index and the table.
        var text = try #require(fixture.read("playbook.yml"))
        text += "  - id: boom\n    steps:\n      - id: fail\n        run: 'false'\n        compensate: 'true'\n"
        try text.write(to: fixture.playbook, atomically: true, encoding: .utf8)
        let run = try fixture.run()
        #expect(run.status == 1, "\(run.output)")
        let verified = try #require(try fixture.journal().last { $0["event"] as? String == "captures_verified" })
        #expect(verified["point"] as? String == "start")
        #expect(verified["captures"] as? [String: String] == ["schema": "verified"])
        _ = database
    }

    @Test func aHandMadeSchemaChangeIsRefusedAsDriftAndForceRecordsIt() throws {
        let (fixture, database) = try fixture()
        #expect(try fixture.run().status == 0)
        let handMade = try Tool.run(
            URL(fileURLWithPath: "/usr/bin/env"), ["sqlite3", database, "ALTER TABLE orders ADD COLUMN note TEXT;"],
            in: fixture.root)
        #expect(handMade.status == 0, "\(handMade.output)")

        let refused = try fixture.belay(["rollback", "r1", "--to", "start"] + ws(fixture))
        #expect(refused.status == 2, "\(refused.output)")
        #expect(refused.stderr.contains("capture schema differs"), "\(refused.stderr)")
        #expect(refused.stderr.contains("note TEXT"), "\(refused.stderr)")
        #expect(try !fixture.events().contains("rollback_started"))

        let forced = try fixture.belay(["rollback", "r1", "--to", "start", "--force"] + ws(fixture))
        #expect(forced.status == 0, "\(forced.output)")
        let events = try fixture.events()
        let drifted = try #require(events.firstIndex(of: "captures_drifted"))
        let started = try #require(events.firstIndex(of: "rollback_started"))
        #expect(drifted < started, "what was found is journaled before the rollback acts")
    }

    @Test func aFailingCaptureIsRecordedAndTheRunGoesOn() throws {
        let (fixture, _) = try fixture(captureExtra: "  broken: echo nope >&2; exit 3")
        let run = try fixture.run()
        #expect(run.status == 0, "\(run.output)")
        let recorded = try #require(try fixture.journal().first { $0["event"] as? String == "captures_recorded" })
        #expect(recorded["captures"] as? [String: String] == ["schema": "recorded", "broken": "failed"])
        #expect((recorded["error"] as? String)?.contains("exit code 3: nope") == true, "\(recorded)")
        let status = try fixture.belay(["status", "r1"] + ws(fixture))
        #expect(status.stdout.contains("captures failed at start: broken"), "\(status.stdout)")
    }

    @Test func aFailingRequiredCaptureStopsTheRun() throws {
        let (fixture, _) = try fixture(captureExtra: "  broken: { run: exit 3, required: true }")
        let run = try fixture.run()
        #expect(run.status == 1, "\(run.output)")
        #expect(run.output.contains("required capture 'broken'"), "\(run.output)")
        #expect(try !fixture.events().contains("step_started"))
    }

    @Test func aRehearsalThatDoesNotRestoreTheSchemaFails() throws {
        let (fixture, _) = try fixture(forgetTable: true)
        let rehearse = try fixture.belay(["rehearse", fixture.playbook.path])
        #expect(rehearse.status == 1, "\(rehearse.output)")
        #expect(rehearse.output.contains("the capture schema differs from the start"), "\(rehearse.output)")

        let (good, _) = try self.fixture()
        let passed = try good.belay(["rehearse", good.playbook.path])
        #expect(passed.status == 0, "\(passed.output)")
        let records = try FileManager.default.contentsOfDirectory(
            atPath: good.workspace.appendingPathComponent(".belay/rehearsals").path).filter { $0.hasSuffix(".json") && !$0.contains("journal") }
        let record = try String(contentsOf: good.workspace.appendingPathComponent(".belay/rehearsals/\(try #require(records.first))"), encoding: .utf8)
        #expect(record.contains("\"schema\" : \"verified\"") || record.contains("\"schema\":\"verified\""), "\(record)")

        // The gate's rehearsal evidence names the captures the rehearsal proved.
        let policy = good.root.appendingPathComponent("policy.yml")
        try "gate: release\ncriteria:\n  - { id: rollback, rehearsal: true, key: true }\n".write(to: policy, atomically: true, encoding: .utf8)
        let gate = try good.belay(["gate", "--policy", policy.path, "--playbook", good.playbook.path, "--format", "json"])
        #expect(gate.status == 0, "\(gate.output)")
        #expect(gate.stdout.contains("captures proven schema"), "\(gate.stdout)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(gate.stdout.utf8)) as? [String: Any])
        let evidence = try #require((report["evidence"] as? [String: Any])?["rehearsal"] as? [String: Any])
        #expect(evidence["captures"] as? [String] == ["schema"], "\(evidence)")
    }

    @Test func aStepPointIsRecordedListedAndRolledBackTo() throws {
        let (fixture, _) = try fixture(checkpoint: true)
        let plan = try fixture.belay(["plan", fixture.playbook.path])
        #expect(plan.stdout.contains("rollback point index/add  refs/belay/points/<run-id>/index.add"), "\(plan.stdout)")
        #expect(try fixture.run().status == 0)
        let recorded = try fixture.journal().filter { $0["event"] as? String == "checkpoint_recorded" }.compactMap { $0["point"] as? String }
        #expect(recorded == ["start", "tables", "index/add", "index"])
        let points = try fixture.belay(["points", "r1"] + ws(fixture))
        #expect(points.stdout.contains("index/add"), "\(points.stdout)")

        let rollback = try fixture.belay(["rollback", "r1", "--to", "index/add"] + ws(fixture))
        #expect(rollback.status == 0, "\(rollback.output)")
        // Only the step from the point on is undone; the step before it in the phase keeps its work.
        let undone = try fixture.journal().filter { $0["event"] as? String == "compensation_succeeded" }.compactMap { $0["step"] as? String }
        #expect(undone == ["add"])
        #expect(fixture.exists("note.txt"))
        let verified = try #require(try fixture.journal().last { $0["event"] as? String == "captures_verified" })
        #expect(verified["point"] as? String == "index/add")
        #expect(verified["captures"] as? [String: String] == ["schema": "verified"])
    }

    @Test func aCaptureIsValidatedWithItsLocation() throws {
        let fixture = try RunFixture(playbook: "name: x\ncapture:\n  Schema: { run: echo, verify: loose }\nphases:\n  - id: a\n    steps:\n      - id: s\n        run: 'true'\n        compensate: 'true'\n")
        let result = try fixture.belay(["validate", fixture.playbook.path])
        #expect(result.status == 2)
        #expect(result.output.contains("playbook.yml:3:3: error: capture name 'Schema' is not valid"), "\(result.output)")
        #expect(result.output.contains("verify must be warn or strict"), "\(result.output)")
    }
}
