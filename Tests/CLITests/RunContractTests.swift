import Foundation
import Testing

/// `belay run` end to end: locks, secrets, variables, outputs, status and runs.
@Suite struct RunContractTests {
    @Test func aLiveLockRefusesTheRunWithExit4() throws {
        let fixture = try RunFixture(playbook: playbookText(phase("one", steps: tracedStep("a"))))
        try FileManager.default.createDirectory(
            at: fixture.workspace.appendingPathComponent(".belay"), withIntermediateDirectories: true)
        let holder = #"{"run":"other-run","pid":\#(getpid()),"host":"\#(ProcessInfo.processInfo.hostName)","since":"2026-11-21T15:30:12.000Z"}"#
        try holder.write(to: fixture.workspace.appendingPathComponent(".belay/lock"), atomically: true, encoding: .utf8)
        let result = try fixture.run()
        #expect(result.status == 4)
        #expect(result.stderr.contains("other-run"))
        #expect(result.stderr.contains("pid \(getpid())"))
        #expect(fixture.traced.isEmpty)
        #expect(fixture.read(".belay/lock") == holder)
    }

    @Test func aStaleLockIsTakenOverAndTheTakeoverLogged() throws {
        let fixture = try RunFixture(playbook: playbookText(phase("one", steps: tracedStep("a"))))
        let gone = try Tool.run(URL(fileURLWithPath: "/bin/sh"), ["-c", "exit 0"], in: fixture.root)
        try FileManager.default.createDirectory(
            at: fixture.workspace.appendingPathComponent(".belay"), withIntermediateDirectories: true)
        let holder = #"{"run":"crashed-run","pid":\#(gone.pid),"host":"\#(ProcessInfo.processInfo.hostName)","since":"2026-11-21T15:30:12.000Z"}"#
        try holder.write(to: fixture.workspace.appendingPathComponent(".belay/lock"), atomically: true, encoding: .utf8)
        let result = try fixture.run()
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(result.stderr.contains("took over the lock"))
        #expect(result.stderr.contains("crashed-run"))
        let takeover = try fixture.journal().first { $0["event"] as? String == "lock_taken_over" }
        #expect((takeover?["note"] as? String)?.contains("crashed-run") == true)
        #expect(!fixture.exists(".belay/lock"))
    }

    @Test func secretsAreMaskedInLogsJournalAndTerminal() throws {
        let secret = "s3cr3t-Value-42"
        let fixture = try RunFixture(playbook: playbookText(
            phase("one", steps: tracedStep(
                "leak", run: #"echo "password is $DB_PASSWORD"; echo "token=$DB_PASSWORD" >> "$BELAY_OUTPUT"; echo "err $DB_PASSWORD" >&2; exit 1"#)),
            header: "secrets: [DB_PASSWORD]\n"))
        let result = try fixture.run(environment: ["DB_PASSWORD": secret])
        #expect(result.status == 1)
        #expect(result.stdout.contains("password is ***"))
        #expect(!result.stdout.contains(secret))
        #expect(!result.stderr.contains(secret))
        let log = try #require(fixture.read(".belay/runs/r1/logs/one.leak.run.1.log"))
        #expect(log.contains("password is ***"))
        #expect(log.contains("err ***"))
        let journal = try #require(fixture.read(".belay/runs/r1/journal.jsonl"))
        #expect(journal.contains(#""token":"***""#))
        // Nothing under .belay holds the secret (logs, journal, scratch files).
        let belay = fixture.workspace.appendingPathComponent(".belay/runs")
        let files = FileManager.default.enumerator(at: belay, includingPropertiesForKeys: nil)?.allObjects as? [URL] ?? []
        #expect(!files.isEmpty)
        for file in files {
            if let text = try? String(contentsOf: file, encoding: .utf8) {
                #expect(!text.contains(secret), "\(file.path) holds the secret")
            }
        }
    }

    @Test func aVariableWithShellSyntaxArrivesAsOneLiteralWord() throws {
        let fixture = try RunFixture(playbook: playbookText(
            phase("one", steps: tracedStep(
                "echo", run: #"set -- {{ vars.message }}; printf '%s|%s\n' "$#" "$1" > "$TRACE.args""#)),
            header: "vars: { message: hello }\n"))
        let value = #"it's "quoted" $(touch pwned) ; touch pwned2 `touch pwned3`"#
        let result = try fixture.run(["--var", "message=\(value)"])
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        let args = try String(contentsOfFile: fixture.trace.path + ".args", encoding: .utf8)
        #expect(args == "1|\(value)\n")
        #expect(!fixture.exists("pwned"))
        #expect(!fixture.exists("pwned2"))
        #expect(!fixture.exists("pwned3"))
    }

    @Test func outputsReachTheStepsCompensationVerifyAndLaterSteps() throws {
        let fixture = try RunFixture(playbook: playbookText(
            phase("one", steps: tracedStep(
                "create", run: #"echo "resource-id=res-77" >> "$BELAY_OUTPUT"; echo "previous=v1" >> "$BELAY_OUTPUT""#,
                compensate: #"echo "undo:$BELAY_OUT_RESOURCE_ID:$BELAY_OUT_PREVIOUS" >> "$TRACE""#,
                fields: [#"verify: 'echo "verify:$BELAY_OUT_RESOURCE_ID" >> "$TRACE"'"#])),
            phase("two", steps: tracedStep("use", run: #"echo "use:"{{ steps.one.create.resource-id }} >> "$TRACE"; exit 1"#))))
        let result = try fixture.run()
        #expect(result.status == 1, "\(result.stdout)\(result.stderr)")
        #expect(fixture.traced == [
            "create:run", "verify:res-77", "use:run", "use:res-77", "use:compensate", "undo:res-77:v1",
        ])
        let succeeded = try fixture.journal().first { $0["event"] as? String == "step_succeeded" }
        #expect(succeeded?["outputs"] as? [String: String] == ["resource-id": "res-77", "previous": "v1"])
    }

    @Test func statusJSONFollowsTheContractAndRunsListsTheRun() throws {
        let fixture = try RunFixture(playbook: playbookText(
            phase("one", steps: tracedStep("a"), tracedStep("b")),
            phase("two", steps: tracedStep("c", run: "exit 1"), tracedStep("d"))))
        #expect(try fixture.run().status == 1)
        let status = try fixture.belay(["status", "--workspace", fixture.workspace.path, "--json"])
        #expect(status.status == 0)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [String: Any])
        #expect(Set(object.keys) == ["run", "playbook", "status", "phases", "environment", "approval", "failure", "captures"])
        #expect(object["environment"] is NSNull)
        #expect(object["approval"] is NSNull)
        let failure = try #require(object["failure"] as? [String: Any])
        #expect(failure["at"] as? String == "two/c")
        #expect(object["run"] as? String == "r1")
        #expect(object["playbook"] as? String == "test")
        #expect(object["status"] as? String == "compensated")
        let phases = try #require(object["phases"] as? [[String: Any]])
        #expect(phases.map { $0["id"] as? String } == ["one", "two"])
        for phase in phases {
            #expect(Set(phase.keys) == ["id", "status", "checkpoint", "steps"])
            for step in phase["steps"] as? [[String: Any]] ?? [] {
                #expect(Set(step.keys) == ["id", "status", "attempts", "duration_ms"])
            }
        }
        #expect((phases[0]["checkpoint"] as? String)?.count == 40)
        #expect(phases[1]["checkpoint"] is NSNull)
        let steps = try #require(phases[1]["steps"] as? [[String: Any]])
        #expect(steps.map { $0["status"] as? String } == ["compensated", "pending"])
        #expect(steps[0]["attempts"] as? Int == 1)
        #expect(steps[1]["duration_ms"] is NSNull)

        let text = try fixture.belay(["status", "r1", "--workspace", fixture.workspace.path])
        #expect(text.stdout.contains("compensated"))
        #expect(text.stdout.contains("failed at two/c"))

        let runs = try fixture.belay(["runs", "--workspace", fixture.workspace.path])
        #expect(runs.status == 0)
        #expect(runs.stdout.contains("r1"))
        #expect(runs.stdout.contains("test"))
        #expect(runs.stdout.contains("compensated"))
        let runsJSON = try fixture.belay(["runs", "--workspace", fixture.workspace.path, "--json"])
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(runsJSON.stdout.utf8)) as? [[String: Any]])
        #expect(rows.count == 1)
        #expect(rows.first?["status"] as? String == "compensated")
    }

    @Test func jsonPrintsOnlyJournalEvents() throws {
        let fixture = try RunFixture(playbook: playbookText(phase("one", steps: tracedStep("a"))))
        let result = try fixture.run(["--json"])
        #expect(result.status == 0)
        let lines = result.stdout.split(separator: "\n")
        #expect(lines.count == (try fixture.journal()).count)
        for line in lines {
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            #expect(object?["event"] is String)
        }
    }

    @Test func statusOfAnUnknownRunExits2() throws {
        let fixture = try RunFixture(playbook: playbookText(phase("one", steps: tracedStep("a"))))
        let result = try fixture.belay(["status", "nope", "--workspace", fixture.workspace.path])
        #expect(result.status == 2)
        #expect(result.stderr.contains("no run 'nope'"))
    }
}
