import Foundation
import Testing

/// Acceptance checks of the contracts in docs/ (engine.md, operate.md, gate.md) through the built binary, for behaviours that
/// the area tests do not pin down.
@Suite struct AcceptanceTests {
    /// A crash right after `step_started` of a step with no verify that is not idempotent leaves its
    /// outcome unknown. Under `--on-failure pause`, `resume` must not run it a second time: it is
    /// treated as failed, which compensates every started step, that one included.
    @Test func pausedUnknownOutcomeIsCompensatedNotRerun() throws {
        let fixture = try RunFixture(playbook: playbookText(phase("p1", steps: tracedStep("a"), tracedStep("b"))))
        let crashed = try fixture.run(["--on-failure", "pause"], environment: ["BELAY_FAILPOINT": "step_started:2"])
        #expect(crashed.status == 137)

        let settled = try fixture.belay(["resume", "r1", "--workspace", fixture.workspace.path])
        #expect(settled.status == 75)
        #expect(settled.stdout.contains("resume will not run it again"))
        let events = try fixture.journal()
        #expect(events.contains { $0["event"] as? String == "step_failed" && $0["outcome_unknown"] as? Bool == true })

        let resumed = try fixture.belay(["resume", "r1", "--workspace", fixture.workspace.path])
        #expect(resumed.status == 1, "\(resumed.stdout)\(resumed.stderr)")
        // b never re-runs; both started steps are compensated, newest first.
        #expect(fixture.traced == ["a:run", "b:compensate", "a:compensate"])
        let status = try fixture.belay(["status", "r1", "--json", "--workspace", fixture.workspace.path])
        let json = try #require(try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [String: Any])
        #expect(json["status"] as? String == "compensated")
    }

    /// A workspace that does not exist is a usage error that says where it came from; nothing is
    /// created for it.
    @Test func aMissingWorkspaceIsRefusedWithItsOrigin() throws {
        let fixture = try RunFixture(playbook: playbookText(phase("p1", steps: tracedStep("a"))))
        let missing = fixture.root.appendingPathComponent("no-such-folder")
        let result = try fixture.run(["--workspace", missing.path])
        #expect(result.status == 2)
        #expect(result.stderr.contains("is not an existing folder") && result.stderr.contains("--workspace"))
        #expect(!FileManager.default.fileExists(atPath: missing.path))
        #expect(fixture.traced.isEmpty)
    }

    /// A step that failed with a known outcome under `--on-failure pause` is still retried by resume.
    @Test func pausedKnownFailureIsRetried() throws {
        let fixture = try RunFixture(playbook: playbookText(phase("p1", steps:
            tracedStep("a"), tracedStep("b", run: #"test -e "$TRACE.ok""#))))
        let paused = try fixture.run(["--on-failure", "pause"])
        #expect(paused.status == 75)
        _ = FileManager.default.createFile(atPath: fixture.trace.path + ".ok", contents: nil)
        let resumed = try fixture.belay(["resume", "r1", "--workspace", fixture.workspace.path])
        #expect(resumed.status == 0, "\(resumed.stdout)\(resumed.stderr)")
        #expect(fixture.traced == ["a:run", "b:run", "b:run"])
    }

    /// The exit-code tables in docs/engine.md and docs/operate.md: invalid input or usage exits 2 (not
    /// ArgumentParser's 64), for every command.
    @Test(arguments: [
        ["run", "playbook.yml", "--bogus"],
        ["run", "playbook.yml", "--on-failure", "maybe"],
        ["rollback", "r1"],
        ["gate", "--policy", "gate.yml", "--format", "pdf"],
        ["validate"],
        ["resume"],
    ])
    func usageMistakesExitTwo(arguments: [String]) throws {
        let fixture = try RunFixture(playbook: playbookText(phase("p1", steps: tracedStep("a"))))
        let result = try fixture.belay(arguments)
        #expect(result.status == 2, "\(arguments): \(result.stderr)")
        #expect(!result.stderr.isEmpty)
    }

    /// A reader that goes away (`belay run … | head -1`) must not kill the run half-way: the saga
    /// finishes and the journal says completed.
    @Test func closedStdoutDoesNotStopTheRun() throws {
        let fixture = try RunFixture(playbook: playbookText(
            phase("p1", steps: tracedStep("a", run: "sleep 0.5")), phase("p2", steps: tracedStep("b"))))
        try Tool.run(
            URL(fileURLWithPath: "/bin/sh"),
            ["-c", #""$0" run "$1" --run-id r1 | head -1 > /dev/null; sleep 1"#, belayBinary.path, fixture.playbook.path],
            in: fixture.root, environment: ["TRACE": fixture.trace.path])
        #expect(fixture.traced == ["a:run", "b:run"])
        #expect(try fixture.events().last == "run_completed")
    }

    /// `belay status` without a run shows the latest run, and `belay runs` lists oldest first, even
    /// when `--run-id` picked ids that do not sort by time.
    @Test func latestRunIsTheLastStartedNotTheLastByName() throws {
        let fixture = try RunFixture(playbook: playbookText(phase("p1", steps: tracedStep("a"))))
        #expect(try fixture.run(id: "zz-first").status == 0)
        #expect(try fixture.run(id: "aa-second").status == 0)
        let status = try fixture.belay(["status", "--json", "--workspace", fixture.workspace.path])
        let json = try #require(try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [String: Any])
        #expect(json["run"] as? String == "aa-second")
        let runs = try fixture.belay(["runs", "--workspace", fixture.workspace.path])
        #expect(runs.stdout.split(separator: "\n").map { String($0.prefix(while: { $0 != " " })) } == ["zz-first", "aa-second"])
    }

    /// Issue 4: `resolve` records who did it. With neither $USER nor $LOGNAME set (containers, CI),
    /// the journal still names the account rather than "unknown".
    @Test func resolveNamesTheAccountWithoutUserVariables() throws {
        let fixture = try RunFixture(playbook: playbookText(
            phase("p1", steps: tracedStep("a", compensate: "exit 1")), phase("p2", steps: tracedStep("b", run: "exit 1"))))
        #expect(try fixture.run().status == 3)
        let resolved = try fixture.belay(
            ["resolve", "r1", "--step", "p1/a", "--note", "undone by hand", "--workspace", fixture.workspace.path],
            environment: ["USER": "", "LOGNAME": ""])
        #expect(resolved.status == 0, "\(resolved.stderr)")
        let event = try #require(try fixture.journal().last { $0["event"] as? String == "step_resolved" })
        let account = try #require(getpwuid(geteuid())?.pointee.pw_name).map { String(cString: $0) }
        #expect(event["by"] as? String == account)
    }
}
