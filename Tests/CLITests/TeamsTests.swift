import Foundation
import Testing

/// A playbook with staging and production, a shown version, an approval and a gate.
private let teamPlaybook = """
    name: team
    vars:
      version: { value: 1.0.0, show: true }
      target: { show: true }
      region: eu
    environments:
      staging:
        vars: { target: staging }
        env: { STAGE: "1" }
      production:
        vars: { target: production, region: us }
        secrets: [PROD_TOKEN]
        lock: production
    phases:
      - id: build
        steps:
          - id: package
            run: 'echo "artifact=pkg-{{ vars.version }}" >> "$BELAY_OUTPUT"'
            compensate: 'true'
      - id: release
        steps:
          - id: gate
            gate: { policy: gate.yml }
          - id: go-live
            approval: { message: "Ship {{ vars.version }} to {{ vars.target }}?" }

    """

private func json(_ text: String) throws -> Any { try JSONSerialization.jsonObject(with: Data(text.utf8)) }

@Suite struct EnvironmentTests {
    @Test func anEnvironmentIsChosenAndPlanShowsEachValueWithItsOrigin() throws {
        let fixture = try RunFixture(playbook: teamPlaybook)
        let plan = try fixture.belay(["plan", fixture.playbook.path, "--env", "production"])
        #expect(plan.status == 0, "\(plan.stderr)")
        #expect(plan.stdout.contains("environment: production"))
        #expect(plan.stdout.contains("target  = production  (from environment production)"))
        #expect(plan.stdout.contains("version = 1.0.0       (from playbook)"))
        #expect(plan.stdout.contains("region  = us          (from environment production)"))
        #expect(plan.stdout.contains("PROD_TOKEN = ***"))
        #expect(plan.stdout.contains("Ship 1.0.0 to production?"))

        let unknown = try fixture.belay(["plan", fixture.playbook.path, "--env", "stagign"])
        #expect(unknown.status == 2)
        #expect(unknown.stderr.contains("--env stagign names no environment of the playbook"))
        #expect(unknown.stderr.contains("did you mean 'staging'?"))
    }

    @Test func aVarSetNowhereIsReportedByValidateAndRefusedByPlan() throws {
        let fixture = try RunFixture(playbook: teamPlaybook.replacingOccurrences(of: "    vars: { target: staging }\n", with: ""))
        let validate = try fixture.belay(["validate", fixture.playbook.path])
        #expect(validate.status == 0)
        #expect(validate.stderr.contains("warning: variable 'target' has no default and environment staging does not set it"))
        let plan = try fixture.belay(["plan", fixture.playbook.path, "--env", "staging"])
        #expect(plan.status == 2)
        #expect(plan.stderr.contains("error: variable 'target' is set nowhere"))
        #expect(plan.stderr.contains("environments that set it: production"))
    }

    @Test func varsFilesApplyInOrderAndVarWinsOverThem() throws {
        let fixture = try RunFixture(playbook: teamPlaybook)
        let first = fixture.root.appendingPathComponent("first.yml")
        let second = fixture.root.appendingPathComponent("second.yml")
        try "version: 2.0.0\nregion: ap\n".write(to: first, atomically: true, encoding: .utf8)
        try "version: 3.0.0\n".write(to: second, atomically: true, encoding: .utf8)
        let plan = try fixture.belay([
            "plan", fixture.playbook.path, "--env", "staging", "--vars-file", first.path, "--vars-file", second.path, "--json",
        ])
        #expect(plan.status == 0, "\(plan.stderr)")
        let values = try #require((try json(plan.stdout) as? [String: Any])?["values"] as? [String: Any])
        let vars = try #require(values["vars"] as? [String: [String: String]])
        #expect(vars["version"] == ["value": "3.0.0", "from": "--vars-file \(second.path)"])
        #expect(vars["region"] == ["value": "ap", "from": "--vars-file \(first.path)"])
        #expect(vars["target"] == ["value": "staging", "from": "environment staging"])
        #expect((values["env"] as? [String: [String: String]])?["STAGE"] == ["value": "1", "from": "environment staging"])

        let flag = try fixture.belay([
            "plan", fixture.playbook.path, "--env", "staging", "--vars-file", first.path, "--vars-file", second.path,
            "--var", "version=4.0.0",
        ])
        #expect(flag.stdout.split(separator: "\n").contains { $0.hasPrefix("  version = 4.0.0 ") && $0.hasSuffix("(from --var)") })

        try "verison: 1\n".write(to: first, atomically: true, encoding: .utf8)
        let misspelt = try fixture.belay(["plan", fixture.playbook.path, "--env", "staging", "--vars-file", first.path])
        #expect(misspelt.status == 2)
        #expect(misspelt.stderr.contains("first.yml:1:1: error: the vars file sets variable 'verison'"))
        #expect(misspelt.stderr.contains("did you mean 'version'?"))
    }
}

@Suite struct HistoryWhoAndWhatTests {
    @Test func runsInspectLogAndStatusSayWhatWhereWhoAndWhoApproved() throws {
        let fixture = try RunFixture(playbook: teamPlaybook)
        try fixture.writeGate()
        let ws = fixture.workspace.path
        let waiting = try fixture.run(["--env", "staging", "--var", "version=2.5.0"], environment: ["USER": "dev-sam"])
        #expect(waiting.status == 75, "\(waiting.stdout)\(waiting.stderr)")

        let status = try #require(try json(try fixture.belay(["status", "r1", "--workspace", ws, "--json"]).stdout) as? [String: Any])
        #expect(status["environment"] as? String == "staging")
        let approval = try #require(status["approval"] as? [String: Any])
        #expect(approval["step"] as? String == "release/go-live")
        #expect(approval["message"] as? String == "Ship 2.5.0 to staging?")
        #expect(approval["deadline"] is NSNull)
        #expect(status["failure"] is NSNull)

        #expect(try fixture.belay(["approve", "r1", "--by", "lead-ana", "--comment", "canary green", "--workspace", ws]).status == 0)
        let resumed = try fixture.belay(["resume", "r1", "--workspace", ws])
        #expect(resumed.status == 0, "\(resumed.stdout)\(resumed.stderr)")
        #expect(try fixture.journal().first?["environment"] as? String == "staging")

        let runs = try fixture.belay(["runs", "--workspace", ws])
        let line = try #require(runs.stdout.split(separator: "\n").first.map(String.init))
        #expect(line.hasPrefix("r1  team  completed"))
        for cell in ["env staging", "version=2.5.0 target=staging", "by dev-sam", "approved by lead-ana"] {
            #expect(line.contains(cell), "missing \(cell) in \(line)")
        }
        let rows = try #require(try json(try fixture.belay(["runs", "--workspace", ws, "--json"]).stdout) as? [[String: Any]])
        #expect(rows.first?["environment"] as? String == "staging")
        #expect(rows.first?["vars"] as? [String: String] == ["version": "2.5.0", "target": "staging"])
        #expect(rows.first?["by"] as? String == "dev-sam")
        #expect(rows.first?["approved_by"] as? [String] == ["lead-ana"])

        let build = try fixture.belay(["inspect", "r1", "build", "--workspace", ws])
        #expect(build.stdout.contains("started by dev-sam · environment staging"))
        #expect(build.stdout.contains("output artifact = pkg-2.5.0"))
        let release = try fixture.belay(["inspect", "r1", "release", "--workspace", ws])
        #expect(release.stdout.contains("approval asked: Ship 2.5.0 to staging?"))
        #expect(release.stdout.contains("approved by lead-ana at "))
        #expect(release.stdout.contains("“canary green”"))
        #expect(release.stdout.contains("gate PROCEED"))
        #expect(release.stdout.contains("criteria not passed: enough-tests warn"))
        let inspected = try #require(try json(try fixture.belay(["inspect", "r1", "release", "--workspace", ws, "--json"]).stdout) as? [String: Any])
        let steps = try #require(inspected["steps"] as? [[String: Any]])
        #expect((steps[0]["gate"] as? [String: Any])?["decision"] as? String == "PROCEED")
        #expect((steps[1]["approval"] as? [String: Any])?["by"] as? String == "lead-ana")

        let log = try fixture.belay(["log", "r1", "--workspace", ws])
        #expect(log.stdout.contains("(user dev-sam), environment staging"))
        #expect(log.stdout.contains("outputs: artifact=pkg-2.5.0"))
        #expect(log.stdout.contains("approved by lead-ana: canary green"))
        #expect(log.stdout.contains("not passed: enough-tests warn"))
    }

    @Test func everyJSONOutputIsJSONWithNothingToShow() throws {
        let folder = try ScratchCopy()
        let runs = try folder.belay(["runs", "--json"])
        #expect(runs.status == 0)
        #expect(runs.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "[]")
    }
}

@Suite struct FindingThingsTests {
    @Test func commandsFindTheWorkspaceFromASubfolder() throws {
        let fixture = try RunFixture(playbook: teamPlaybook.replacingOccurrences(of: "          - id: gate\n            gate: { policy: gate.yml }\n", with: ""))
        _ = try fixture.run(["--env", "staging"])
        let sub = fixture.workspace.appendingPathComponent("deep/er")
        try FileManager.default.createDirectory(at: sub, withIntermediateDirectories: true)
        let status = try Tool.run(belayBinary, ["status", "--json"], in: sub)
        #expect(status.status == 0, "\(status.stderr)")
        #expect((try json(status.stdout) as? [String: Any])?["run"] as? String == "r1")
        let runs = try Tool.run(belayBinary, ["runs"], in: sub)
        #expect(runs.stdout.hasPrefix("r1  team"))
    }

    @Test func mistypedNamesGetASuggestion() throws {
        let fixture = try RunFixture(playbook: teamPlaybook.replacingOccurrences(of: "          - id: gate\n            gate: { policy: gate.yml }\n", with: ""))
        _ = try fixture.run(id: "release-42", ["--env", "staging"])
        let ws = fixture.workspace.path
        let run = try fixture.belay(["status", "release-24", "--workspace", ws])
        #expect(run.status == 2)
        #expect(run.stderr.contains("did you mean 'release-42'?"))
        let phase = try fixture.belay(["inspect", "release-42", "relase", "--workspace", ws])
        #expect(phase.stderr.contains("did you mean 'release'?"))
        let command = try fixture.belay(["rnu"])
        #expect(command.status == 2)
        #expect(command.stderr.contains("'rnu' is not a belay command; did you mean 'run'?"))
        let option = try fixture.belay(["runs", "--workspce", ws])
        #expect(option.status == 2)
        #expect(option.stderr.contains("Did you mean '--workspace'?"))
    }

    @Test func resolveSuggestsTheStepOwed() throws {
        let fixture = try RunFixture(playbook: playbookText(
            phase("one", steps: tracedStep("a", compensate: "exit 1")), phase("two", steps: tracedStep("b", run: "exit 1"))))
        #expect(try fixture.run().status == 3)
        let resolve = try fixture.belay(["resolve", "r1", "--step", "one/aa", "--note", "done", "--workspace", fixture.workspace.path])
        #expect(resolve.status == 2)
        #expect(resolve.stderr.contains("did you mean --step one/a?"))
    }
}
