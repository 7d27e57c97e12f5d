import Foundation
import Testing

/// `belay rehearse` and the `rehearsal: true` criterion of `belay gate`.
@Suite struct RehearseTests {
    static let clean = playbookText(
        phase("build", steps: tracedStep("a", run: "echo built > built.txt", compensate: traceLine + "; rm -f built.txt")),
        phase("release", steps: tracedStep("b", run: "echo v2 > app.txt", compensate: traceLine + "; echo original > app.txt")))

    /// The second compensation forgets to delete the file its step created.
    static let leaky = playbookText(
        phase("build", steps: tracedStep("a", run: "echo built > built.txt", compensate: "rm -f built.txt")),
        phase("release", steps: tracedStep("b", run: "echo left > leftover.txt", compensate: "true")))

    @Test func aCleanPlaybookRehearsesAndTheRealWorkspaceIsUntouched() throws {
        let fixture = try RunFixture(playbook: Self.clean)
        let result = try fixture.belay(["rehearse", fixture.playbook.path])
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.contains("Rehearsal passed"))
        #expect(fixture.traced == ["a:run", "b:run", "b:compensate", "a:compensate"])
        #expect(fixture.read("app.txt") == "original\n")
        #expect(!fixture.exists("built.txt"))
        #expect(!fixture.exists(".belay/runs"))  // nothing ran in the real workspace

        let record = try Self.record(fixture)
        #expect(record["result"] as? String == "passed")
        #expect(record["playbook_sha256"] as? String == Self.sha256(of: fixture.playbook))
        #expect((record["start_tree"] as? String)?.count == 40)
        #expect(record["start_tree"] as? String == record["end_tree"] as? String)
        #expect(record["compensated"] as? [String] == ["release/b", "build/a"])
        #expect((record["failures"] as? [Any])?.isEmpty == true)
        #expect(record["run"] is String && record["finished_at"] is String)
    }

    @Test func aCompensationThatLeavesAFileBehindFailsTheRehearsal() throws {
        let fixture = try RunFixture(playbook: Self.leaky)
        let result = try fixture.belay(["rehearse", fixture.playbook.path])
        #expect(result.status == 1, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.contains("Rehearsal FAILED"))
        #expect(result.stdout.contains("added leftover.txt"))
        let record = try Self.record(fixture)
        #expect(record["result"] as? String == "failed")
        #expect(record["changed_files"] as? [String] == ["added leftover.txt"])
        #expect(record["start_tree"] as? String != record["end_tree"] as? String)
        #expect(!fixture.exists("leftover.txt"))
    }

    @Test func aFailingCompensationFailsTheRehearsal() throws {
        let fixture = try RunFixture(playbook: playbookText(
            phase("one", steps: tracedStep("a", run: "touch a.out", compensate: "exit 3"))))
        let result = try fixture.belay(["rehearse", fixture.playbook.path, "--json"])
        #expect(result.status == 1, "\(result.stdout)\(result.stderr)")
        let record = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect(record["result"] as? String == "failed")
        let failures = record["failures"] as? [String] ?? []
        #expect(failures.contains { $0.contains("the compensation of one/a failed") })
    }

    @Test func theGateCountsOnlyARehearsalOfTheSamePlaybookContent() throws {
        let fixture = try RunFixture(playbook: Self.clean)
        try """
            gate: release
            criteria:
              - { id: rollback, rehearsal: true, key: true, max_age: 7d }

            """.write(to: fixture.root.appendingPathComponent("policy.yml"), atomically: true, encoding: .utf8)
        let gate = ["gate", "--policy", fixture.root.appendingPathComponent("policy.yml").path,
                    "--playbook", fixture.playbook.path, "--format", "json"]
        let before = try fixture.belay(gate)
        #expect(before.status == 1, "\(before.stdout)\(before.stderr)")
        #expect(before.stdout.contains("no rehearsal recorded"))

        #expect(try fixture.belay(["rehearse", fixture.playbook.path]).status == 0)
        let after = try fixture.belay(gate)
        #expect(after.status == 0, "\(after.stdout)\(after.stderr)")
        #expect(after.stdout.contains("\"decision\": \"PROCEED\""))

        // Any change to the playbook needs a new rehearsal.
        let changed = (try String(contentsOf: fixture.playbook, encoding: .utf8)) + "# changed\n"
        try changed.write(to: fixture.playbook, atomically: true, encoding: .utf8)
        let stale = try fixture.belay(gate)
        #expect(stale.status == 1, "\(stale.stdout)\(stale.stderr)")
        #expect(stale.stdout.contains("\"decision\": \"BLOCK\""))
    }

    @Test func aFailedRehearsalBlocksTheGate() throws {
        let fixture = try RunFixture(playbook: Self.leaky)
        try "gate: g\ncriteria:\n  - { id: rollback, rehearsal: true, key: true }\n"
            .write(to: fixture.root.appendingPathComponent("policy.yml"), atomically: true, encoding: .utf8)
        #expect(try fixture.belay(["rehearse", fixture.playbook.path]).status == 1)
        let gate = try fixture.belay([
            "gate", "--policy", fixture.root.appendingPathComponent("policy.yml").path, "--playbook", fixture.playbook.path,
        ])
        #expect(gate.status == 1, "\(gate.stdout)\(gate.stderr)")
        #expect(gate.stdout.contains("the last rehearsal failed"))
    }

    static func record(_ fixture: RunFixture) throws -> [String: Any] {
        let url = fixture.workspace.appendingPathComponent(".belay/rehearsals/\(sha256(of: fixture.playbook)).json")
        let data = try Data(contentsOf: url)
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    /// `sha256sum`, as an independent check of the record's name.
    static func sha256(of file: URL) -> String {
        let result = try? Tool.run(
            URL(fileURLWithPath: "/usr/bin/env"), ["sha256sum", file.path], in: file.deletingLastPathComponent())
        return String((result?.stdout ?? "").prefix(64))
    }
}
