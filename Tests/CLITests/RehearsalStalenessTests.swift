import Foundation
import Testing

/// A rehearsal counts for a gate only while the files it reached are unchanged: the workspace, the
/// playbook's folder, and folders its commands reach going up (`../bin`), which it also copies.
@Suite struct RehearsalStalenessTests {
    @Test func aScriptEditedAfterTheRehearsalBlocksTheGateWithTheReason() throws {
        let fixture = try RunFixture(playbook: playbookText(
            phase("migrate", steps: tracedStep(
                "up", run: "bash ../bin/migrate.sh {{ vars.target }}",
                compensate: traceLine + "; cat migrations/003.down.sql > /dev/null")),
            header: "vars: { target: staging }\n"))
        let bin = fixture.root.appendingPathComponent("bin")
        try FileManager.default.createDirectory(at: bin, withIntermediateDirectories: true)
        try "echo migrating \"$1\"\n".write(to: bin.appendingPathComponent("migrate.sh"), atomically: true, encoding: .utf8)
        let migrations = fixture.workspace.appendingPathComponent("migrations")
        try FileManager.default.createDirectory(at: migrations, withIntermediateDirectories: true)
        try "DROP INDEX i2;\n".write(to: migrations.appendingPathComponent("003.down.sql"), atomically: true, encoding: .utf8)
        try "gate: release\ncriteria:\n  - { id: rollback, rehearsal: true, key: true }\n"
            .write(to: fixture.root.appendingPathComponent("policy.yml"), atomically: true, encoding: .utf8)
        let gate = ["gate", "--policy", fixture.root.appendingPathComponent("policy.yml").path,
                    "--playbook", fixture.playbook.path]

        let rehearsed = try fixture.belay(["rehearse", fixture.playbook.path])
        #expect(rehearsed.status == 0, "a playbook calling ../bin can be rehearsed: \(rehearsed.output)")
        let record = try RehearseTests.record(fixture)
        #expect((record["files"] as? [String: String])?["migrations/003.down.sql"] != nil)
        #expect((record["files"] as? [String: String])?["../bin/migrate.sh"] != nil)
        #expect(record["vars"] as? [String: String] == ["target": "staging"])
        let fresh = try fixture.belay(gate + ["--format", "json"])
        #expect(fresh.status == 0, "\(fresh.output)")
        #expect(fresh.stdout.contains("vars target=staging"), "\(fresh.stdout)")

        try "DROP INDEX CONCURRENTLY i2;\n".write(to: migrations.appendingPathComponent("003.down.sql"), atomically: true, encoding: .utf8)
        let stale = try fixture.belay(gate)
        #expect(stale.status == 1, "\(stale.output)")
        #expect(stale.stdout.contains("BLOCK"), "\(stale.stdout)")
        #expect(stale.stdout.contains("migrations/003.down.sql changed since"), "\(stale.stdout)")

        #expect(try fixture.belay(["rehearse", fixture.playbook.path]).status == 0)
        #expect(try fixture.belay(gate).status == 0)
        try "echo migrating \"$1\" twice\n".write(to: bin.appendingPathComponent("migrate.sh"), atomically: true, encoding: .utf8)
        let script = try fixture.belay(gate)
        #expect(script.status == 1 && script.stdout.contains("../bin/migrate.sh changed since"), "\(script.stdout)")
    }
}
