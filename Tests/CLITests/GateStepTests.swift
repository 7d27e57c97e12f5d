import Foundation
import Testing

/// Helpers for playbooks with gate steps: a policy and JUnit evidence written into the workspace.
extension RunFixture {
    /// Writes `gate.yml` (one key criterion on the failures of `reports/*.xml`, and one non-key
    /// criterion that warns when fewer than 100 tests ran) and a JUnit report with `failures` failures.
    /// With `proceedMaxWarnings: 0`, the warning makes the decision CONDITIONAL_PROCEED.
    func writeGate(failures: Int = 0, proceedMaxWarnings: Int = 2, extraCriteria: [String] = []) throws {
        let criteria = [
            "  - { id: tests-pass, source: tests, metric: failed, max: 0, key: true }",
            "  - { id: enough-tests, source: tests, metric: tests, warn_below: 100 }",
        ] + extraCriteria
        let policy = """
            gate: release
            inputs:
              tests: { junit: "reports/*.xml" }
            criteria:
            \(criteria.joined(separator: "\n"))
            decision: { proceed_max_warnings: \(proceedMaxWarnings), conditional_max_warnings: 4 }

            """
        try policy.write(to: workspace.appendingPathComponent("gate.yml"), atomically: true, encoding: .utf8)
        let reports = workspace.appendingPathComponent("reports")
        try FileManager.default.createDirectory(at: reports, withIntermediateDirectories: true)
        let cases = (0..<3).map { index in
            index < failures
                ? "<testcase classname=\"t\" name=\"c\(index)\"><failure message=\"boom\"/></testcase>"
                : "<testcase classname=\"t\" name=\"c\(index)\"/>"
        }
        try "<testsuite>\(cases.joined())</testsuite>\n".write(
            to: reports.appendingPathComponent("tests.xml"), atomically: true, encoding: .utf8)
    }

    func event(_ name: String, step: String, run: String = "r1") throws -> [String: Any]? {
        try journal(run).last { $0["event"] as? String == name && $0["step"] as? String == step }
    }

    /// The message of the phase's checkpoint commit.
    func pointMessage(_ phase: String, run: String = "r1") throws -> String {
        try git(["log", "-1", "--format=%B", "refs/belay/points/\(run)/\(phase)"])
    }
}

/// A two-phase playbook whose second phase ends with a gate step.
func gatedPlaybook(onConditional: String = "approve") -> String {
    playbookText(
        phase("build", steps: tracedStep("a", run: "touch a.out", compensate: traceLine + "; rm -f a.out")),
        phase("release", steps: tracedStep("b"), """
                  - id: check
                    gate: { policy: gate.yml, on_conditional: \(onConditional) }

            """, tracedStep("c")))
}

@Suite struct GateStepTests {
    @Test func aBlockingGateFailsTheStepAndTheRunIsCompensated() throws {
        let fixture = try RunFixture(playbook: gatedPlaybook())
        try fixture.writeGate(failures: 1)
        let result = try fixture.run()
        #expect(result.status == 1, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.contains("gate BLOCK"))
        #expect(fixture.traced == ["a:run", "b:run", "b:compensate", "a:compensate"])
        let decided = try #require(try fixture.event("gate_evaluated", step: "check"))
        #expect(decided["decision"] as? String == "BLOCK")
        #expect((decided["criteria"] as? [String: String])?["tests-pass"] == "fail")
        #expect(decided["log"] as? String == ".belay/runs/r1/gates/release.check.json")
        let failed = try #require(try fixture.event("step_failed", step: "check"))
        #expect((failed["error"] as? String)?.contains("decided BLOCK") == true)
        let report = try #require(fixture.read(".belay/runs/r1/gates/release.check.json"))
        #expect(report.contains("\"decision\": \"BLOCK\""))
        #expect(fixture.read(".belay/runs/r1/gates/release.check.txt")?.contains("BLOCK") == true)
        #expect(!fixture.exists("a.out"))
        #expect(try fixture.events().last == "run_compensated")
    }

    @Test func aProceedingGatePassesAndItsDecisionIsInTheCheckpointCommit() throws {
        let fixture = try RunFixture(playbook: gatedPlaybook())
        try fixture.writeGate()
        let result = try fixture.run()
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(fixture.traced == ["a:run", "b:run", "c:run"])
        let decided = try #require(try fixture.event("gate_evaluated", step: "check"))
        #expect(decided["decision"] as? String == "PROCEED")
        let succeeded = try #require(try fixture.event("step_succeeded", step: "check"))
        #expect((succeeded["outputs"] as? [String: String])?["decision"] == "PROCEED")
        let message = try fixture.pointMessage("release")
        #expect(message.contains("Belay-Gate: check PROCEED"))
        #expect(message.contains("gate check: PROCEED"))
        #expect(message.contains("tests-pass: pass"))
    }

    @Test func conditionalWithProceedGoesOnWithAWarning() throws {
        let fixture = try RunFixture(playbook: gatedPlaybook(onConditional: "proceed"))
        try fixture.writeGate(proceedMaxWarnings: 0)
        let result = try fixture.run()
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.contains("CONDITIONAL_PROCEED"))
        #expect(result.stdout.contains("proceeding with a warning"))
        #expect(fixture.traced == ["a:run", "b:run", "c:run"])
        #expect(try fixture.pointMessage("release").contains("Belay-Gate: check CONDITIONAL_PROCEED"))
    }

    @Test func conditionalWithBlockFailsAndCompensates() throws {
        let fixture = try RunFixture(playbook: gatedPlaybook(onConditional: "block"))
        try fixture.writeGate(proceedMaxWarnings: 0)
        let result = try fixture.run()
        #expect(result.status == 1, "\(result.stdout)\(result.stderr)")
        #expect(fixture.traced == ["a:run", "b:run", "b:compensate", "a:compensate"])
        let decided = try #require(try fixture.event("gate_evaluated", step: "check"))
        #expect(decided["decision"] as? String == "CONDITIONAL_PROCEED")
        #expect(try fixture.events().last == "run_compensated")
    }

    @Test func conditionalWithApproveWaitsForAPersonLikeAnApprovalStep() throws {
        let fixture = try RunFixture(playbook: gatedPlaybook(onConditional: "approve"))
        try fixture.writeGate(proceedMaxWarnings: 0)
        let waiting = try fixture.run()
        #expect(waiting.status == 75, "\(waiting.stdout)\(waiting.stderr)")
        #expect(waiting.stdout.contains("belay approve r1 --by NAME --comment TEXT"))
        #expect(fixture.traced == ["a:run", "b:run"])
        let ws = fixture.workspace.path
        let approved = try fixture.belay(["approve", "r1", "--by", "ana", "--comment", "one warning is fine", "--workspace", ws])
        #expect(approved.status == 0, "\(approved.stdout)\(approved.stderr)")
        let resumed = try fixture.belay(["resume", "r1", "--workspace", ws])
        #expect(resumed.status == 0, "\(resumed.stdout)\(resumed.stderr)")
        #expect(fixture.traced == ["a:run", "b:run", "c:run"])
        let message = try fixture.pointMessage("release")
        #expect(message.contains("Belay-Gate: check CONDITIONAL_PROCEED"))
        #expect(message.contains("Belay-Approval: check approved by ana"))
    }

    @Test func aGateStepCountsARehearsalOfTheRunsOwnPlaybook() throws {
        let fixture = try RunFixture(playbook: gatedPlaybook())
        try fixture.writeGate(extraCriteria: ["  - { id: rollback, rehearsal: true, key: true, max_age: 1d }"])
        let blocked = try fixture.run(id: "before")
        #expect(blocked.status == 1, "\(blocked.stdout)\(blocked.stderr)")
        #expect((try fixture.event("gate_evaluated", step: "check", run: "before"))?["decision"] as? String == "BLOCK")
        let rehearsed = try fixture.belay(["rehearse", fixture.playbook.path])
        #expect(rehearsed.status == 0, "\(rehearsed.stdout)\(rehearsed.stderr)")
        let after = try fixture.run(id: "after")
        #expect(after.status == 0, "\(after.stdout)\(after.stderr)")
        #expect((try fixture.event("gate_evaluated", step: "check", run: "after"))?["decision"] as? String == "PROCEED")
    }
}
