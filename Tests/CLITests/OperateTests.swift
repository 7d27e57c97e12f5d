import Foundation
import Testing

/// Operating runs over time through the binary: Ctrl-C, drift, rollback, resolve, phase control.
@Suite struct OperateTests {
    static func threePhases(_ extra: String = "") -> String {
        playbookText(
            phase("one", steps: tracedStep("a", run: "echo a > a.txt", compensate: traceLine + "; rm -f a.txt")),
            phase("two", steps: tracedStep("b", run: "echo b > b.txt", compensate: traceLine + "; rm -f b.txt")),
            phase("three", steps: tracedStep("c", run: "echo c > c.txt" + extra, compensate: traceLine + "; rm -f c.txt")))
    }

    /// Starts `belay <arguments>` and returns the process (output to files under the fixture's root).
    func start(_ fixture: RunFixture, _ arguments: [String]) throws -> (Process, URL) {
        let out = fixture.root.appendingPathComponent("live-\(UUID().uuidString)")
        _ = FileManager.default.createFile(atPath: out.path, contents: nil)
        let handle = try FileHandle(forWritingTo: out)
        let process = try Tool.start(
            belayBinary, arguments, in: fixture.root, environment: ["TRACE": fixture.trace.path],
            stdout: handle, stderr: handle)
        return (process, out)
    }

    func waitFor(_ path: URL, timeout: Double = 10) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if FileManager.default.fileExists(atPath: path.path) { return true }
            usleep(20_000)
        }
        return false
    }

    @Test func ctrlCLetsTheStepFinishPausesAndResumeCompletes() throws {
        let fixture = try RunFixture(playbook: playbookText(
            phase("one", steps: tracedStep("a", run: #"touch "$TRACE.started"; sleep 0.6; echo a > a.txt"#)),
            phase("two", steps: tracedStep("b", run: "echo b > b.txt"))))
        let (process, out) = try start(fixture, ["run", fixture.playbook.path, "--run-id", "r1"])
        #expect(waitFor(URL(fileURLWithPath: fixture.trace.path + ".started")))
        kill(process.processIdentifier, SIGINT)
        process.waitUntilExit()
        let text = try String(contentsOf: out, encoding: .utf8)
        #expect(process.terminationStatus == 75, "\(text)")
        #expect(text.contains("belay resume r1"))
        #expect(fixture.read("a.txt") == "a\n")  // the step in flight finished
        #expect(!fixture.exists("b.txt"))
        #expect(try fixture.events().last == "run_paused")
        let resumed = try fixture.belay(["resume", "r1", "--workspace", fixture.workspace.path])
        #expect(resumed.status == 0, "\(resumed.stdout)\(resumed.stderr)")
        #expect(fixture.traced == ["a:run", "b:run"])
    }

    @Test func aSecondSignalKillsTheStepAndItsOutcomeIsUnknown() throws {
        let fixture = try RunFixture(playbook: playbookText(
            phase("one", steps: tracedStep("a", run: #"touch "$TRACE.started"; sleep 30"#))))
        let (process, out) = try start(fixture, ["run", fixture.playbook.path, "--run-id", "r1"])
        #expect(waitFor(URL(fileURLWithPath: fixture.trace.path + ".started")))
        kill(process.processIdentifier, SIGINT)
        usleep(200_000)
        kill(process.processIdentifier, SIGINT)
        process.waitUntilExit()
        let output = try String(contentsOf: out, encoding: .utf8)
        #expect(process.terminationStatus == 75, "\(output)")
        let events = try fixture.journal()
        let interrupted = events.first { $0["event"] as? String == "step_interrupted" }
        #expect((interrupted?["note"] as? String)?.contains("outcome is unknown") == true)
        #expect(!events.contains { ["step_failed", "step_succeeded"].contains($0["event"] as? String) })
        // Not idempotent, no verify: resume counts it as failed and compensates it.
        let resumed = try fixture.belay(["resume", "r1", "--workspace", fixture.workspace.path])
        #expect(resumed.status == 1, "\(resumed.stdout)\(resumed.stderr)")
        #expect(fixture.traced == ["a:run", "a:compensate"])
    }

    @Test func driftIsRefusedThenAcceptedWithForceAndAChangedPlaybookIsRefused() throws {
        let fixture = try RunFixture(playbook: Self.threePhases())
        #expect(try fixture.run().status == 0)
        try "edited\n".write(to: fixture.workspace.appendingPathComponent("app.txt"), atomically: true, encoding: .utf8)
        let refused = try fixture.belay(["rollback", "r1", "--to", "one", "--workspace", fixture.workspace.path])
        #expect(refused.status == 2)
        #expect(refused.stderr.contains("modified app.txt") && refused.stderr.contains("--force"))
        #expect(fixture.traced == ["a:run", "b:run", "c:run"])
        let dry = try fixture.belay(["rollback", "r1", "--to", "one", "--dry-run", "--workspace", fixture.workspace.path])
        #expect(dry.stdout.contains("refuses without --force"))
        // A changed playbook is refused too, even with the drift accepted… unless forced.
        try (Self.threePhases() + "# edited\n").write(to: fixture.playbook, atomically: true, encoding: .utf8)
        let changed = try fixture.belay(["rollback", "r1", "--to", "one", "--workspace", fixture.workspace.path])
        #expect(changed.status == 2)
        #expect(changed.stderr.contains("changed since run r1 started"))
        let forced = try fixture.belay(["rollback", "r1", "--to", "one", "--force", "--workspace", fixture.workspace.path])
        #expect(forced.status == 0, "\(forced.stdout)\(forced.stderr)")
        #expect(fixture.read("app.txt") == "original\n")
        #expect(fixture.traced.suffix(2) == ["c:compensate", "b:compensate"])
    }

    @Test func aDryRunChangesNothing() throws {
        let fixture = try RunFixture(playbook: Self.threePhases())
        #expect(try fixture.run().status == 0)
        func fingerprint() throws -> String {
            let journal = try String(contentsOf: fixture.workspace.appendingPathComponent(".belay/runs/r1/journal.jsonl"), encoding: .utf8)
            let refs = try fixture.git(["for-each-ref", "--format=%(refname) %(objectname)"])
            let files = ["a.txt", "b.txt", "c.txt", "app.txt", "playbook.yml"].map { "\($0)=\(fixture.read($0) ?? "-")" }
            let lock = fixture.exists(".belay/lock")
            let listing = try FileManager.default.contentsOfDirectory(atPath: fixture.workspace.path).sorted()
            return [journal, refs, files.joined(separator: ","), "\(lock)", listing.joined(separator: ","), fixture.traced.joined()]
                .joined(separator: "\n---\n")
        }
        let before = try fingerprint()
        let dry = try fixture.belay(["rollback", "r1", "--to", "start", "--dry-run", "--workspace", fixture.workspace.path])
        #expect(dry.status == 0)
        #expect(dry.stdout.contains("1. three/c") && dry.stdout.contains("2. two/b") && dry.stdout.contains("3. one/a"))
        #expect(dry.stdout.contains("deleted  a.txt"))
        let json = try fixture.belay(["rollback", "r1", "--to", "two", "--dry-run", "--json", "--workspace", fixture.workspace.path])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        #expect((object["compensations"] as? [[String: Any]])?.map { $0["step"] as? String } == ["c"])
        #expect((object["files"] as? [[String: Any]])?.map { $0["path"] as? String } == ["c.txt"])
        #expect(try fingerprint() == before)
    }

    @Test func rollingBackTwiceCompensatesNothingTwiceAndSkippedPhasesNever() throws {
        let fixture = try RunFixture(playbook: Self.threePhases())
        #expect(try fixture.run(["--skip-phases", "two"]).status == 0)
        #expect(fixture.traced == ["a:run", "c:run"])
        let toTwo = try fixture.belay(["rollback", "r1", "--to", "two", "--workspace", fixture.workspace.path])
        #expect(toTwo.status == 2)
        #expect(toTwo.stderr.contains("skipped"))
        #expect(try fixture.belay(["rollback", "r1", "--to", "three", "--workspace", fixture.workspace.path]).status == 0)
        #expect(try fixture.belay(["rollback", "r1", "--to", "one", "--workspace", fixture.workspace.path]).status == 0)
        #expect(fixture.traced == ["a:run", "c:run", "c:compensate"])
        let again = try fixture.belay(["rollback", "r1", "--to", "one", "--workspace", fixture.workspace.path])
        #expect(again.status == 0)
        #expect(again.stdout.contains("already rolled back to one"))
        let later = try fixture.belay(["rollback", "r1", "--to", "three", "--workspace", fixture.workspace.path])
        #expect(later.status == 2)
        #expect(try fixture.belay(["rollback", "r1", "--to", "start", "--workspace", fixture.workspace.path]).status == 0)
        #expect(fixture.traced == ["a:run", "c:run", "c:compensate", "a:compensate"])
        #expect(!fixture.exists("a.txt") && !fixture.exists("c.txt"))
        let status = try fixture.belay(["status", "r1", "--workspace", fixture.workspace.path, "--json"])
        #expect(status.stdout.contains(#""status": "rolled_back""#))
    }

    @Test func aStuckRollbackIsResolvedByHandThenResumed() throws {
        let fixture = try RunFixture(playbook: playbookText(
            phase("one", steps: tracedStep("a")),
            phase("two", steps: tracedStep("b", compensate: traceLine + "; exit 1"), tracedStep("c"))))
        #expect(try fixture.run().status == 0)
        let stuck = try fixture.belay(["rollback", "r1", "--to", "one", "--workspace", fixture.workspace.path])
        #expect(stuck.status == 3, "\(stuck.stdout)\(stuck.stderr)")
        #expect(stuck.stdout.contains("belay resolve r1 --step two/b"))
        let wrong = try fixture.belay(["resolve", "r1", "--step", "two/c", "--note", "x", "--workspace", fixture.workspace.path])
        #expect(wrong.status == 2)
        let resolved = try fixture.belay(
            ["resolve", "r1", "--step", "two/b", "--note", "removed b by hand", "--by", "alice", "--workspace", fixture.workspace.path])
        #expect(resolved.status == 0, "\(resolved.stderr)")
        #expect(resolved.stdout.contains("belay resume r1"))
        let event = try fixture.journal().last
        #expect(event?["event"] as? String == "step_resolved" && event?["by"] as? String == "alice")
        let resumed = try fixture.belay(["resume", "r1", "--workspace", fixture.workspace.path])
        #expect(resumed.status == 0, "\(resumed.stdout)\(resumed.stderr)")
        #expect(fixture.traced == ["a:run", "b:run", "c:run", "c:compensate", "b:compensate"])
        #expect(try fixture.events().last == "run_rolled_back")
        let log = try fixture.belay(["log", "r1", "--workspace", fixture.workspace.path])
        #expect(log.stdout.contains("marked done by hand by alice: “removed b by hand”"))
    }

    @Test func rollbackIsRefusedWhileAnotherRunHoldsTheWorkspace() throws {
        let fixture = try RunFixture(playbook: Self.threePhases())
        #expect(try fixture.run().status == 0)
        let lock = #"{"run":"other","pid":1,"host":"\#(ProcessInfo.processInfo.hostName)","since":"2026-01-01T00:00:00.000Z"}"#
        try lock.write(to: fixture.workspace.appendingPathComponent(".belay/lock"), atomically: true, encoding: .utf8)
        let locked = try fixture.belay(["rollback", "r1", "--to", "start", "--workspace", fixture.workspace.path])
        #expect(locked.status == 4)
        #expect(locked.stderr.contains("run other"))
    }

    @Test func phaseControlFlags() throws {
        let only = try RunFixture(playbook: Self.threePhases())
        #expect(try only.run(["--only-phase", "two"]).status == 0)
        #expect(only.traced == ["b:run"])
        let skipped = try only.journal().filter { $0["event"] as? String == "phase_skipped" }
        #expect(skipped.map { $0["phase"] as? String } == ["one", "three"])

        let stop = try RunFixture(playbook: Self.threePhases())
        let stopped = try stop.run(["--stop-after-phase", "one"])
        #expect(stopped.status == 75)
        #expect(stop.traced == ["a:run"])
        #expect(try stop.belay(["resume", "r1", "--workspace", stop.workspace.path]).status == 0)
        #expect(stop.traced == ["a:run", "b:run", "c:run"])

        let from = try RunFixture(playbook: Self.threePhases())
        let needsConfirmation = try from.run(["--resume-from", "two"])
        #expect(needsConfirmation.status == 2)
        #expect(needsConfirmation.stderr.contains("--assume-previous-complete"))
        let started = try from.run(["--resume-from", "two", "--assume-previous-complete"])
        #expect(started.status == 0)
        #expect(started.stderr.contains("assumes phase one already completed"))
        #expect(from.traced == ["b:run", "c:run"])
        #expect(try from.belay(["rollback", "r1", "--to", "start", "--workspace", from.workspace.path]).status == 0)
        #expect(from.traced == ["b:run", "c:run", "c:compensate", "b:compensate"])

        let typo = try RunFixture(playbook: Self.threePhases())
        let unknown = try typo.run(["--skip-phases", "tow"])
        #expect(unknown.status == 2)
        #expect(unknown.stderr.contains("did you mean 'two'"))
        #expect(typo.traced.isEmpty)
    }
}
