import Foundation
import Testing

/// Watching a run as it goes: elapsed time and last output line on a terminal, streamed output
/// with --follow, heartbeats in logs, `log --follow` from another terminal, `status` of a live run.
@Suite struct WatchTests {
    static let talkative = playbookText(phase("one", steps:
        tracedStep("talk", run: "echo first line; sleep 0.8; echo halfway there; sleep 0.8; echo last line"),
        tracedStep("slow", run: #"touch "$TRACE.slow"; sleep 1.2"#)))

    @Test func offATerminalAStepRunningLongerThanTheHeartbeatGetsAStillRunningLine() throws {
        let fixture = try RunFixture(playbook: Self.talkative)
        let result = try fixture.run(environment: ["BELAY_HEARTBEAT": "500ms"])
        #expect(result.status == 0, "\(result.output)")
        let lines = result.stdout.split(separator: "\n").map(String.init)
        let beat = try #require(lines.firstIndex { $0.contains("… still running: one/slow") }, "\(result.stdout)")
        let done = try #require(lines.firstIndex { $0.contains("✓ slow") })
        #expect(beat < done)
        #expect(lines.contains { $0.hasPrefix("  … still running: one/talk ") }, "\(result.stdout)")
        // Without --follow, the output itself stays in the log.
        #expect(!result.stdout.contains("halfway there"))
        // The default interval is 30 s: a short run has no heartbeat at all.
        let quiet = try fixture.run(id: "r2")
        #expect(!quiet.stdout.contains("still running"), "\(quiet.stdout)")
    }

    @Test func followStreamsEachStepsOutputPrefixedByTheStepBeforeItsOutcome() throws {
        let fixture = try RunFixture(playbook: Self.talkative)
        for (id, flag) in [("r1", "--follow"), ("r2", "-v")] {
            let result = try fixture.run(id: id, [flag])
            #expect(result.status == 0, "\(result.output)")
            let lines = result.stdout.split(separator: "\n").map(String.init)
            let first = try #require(lines.firstIndex(of: "  [one/talk] first line"), "\(result.stdout)")
            let halfway = try #require(lines.firstIndex(of: "  [one/talk] halfway there"))
            let last = try #require(lines.firstIndex(of: "  [one/talk] last line"))
            let done = try #require(lines.firstIndex { $0.contains("✓ talk") })
            #expect(first < halfway && halfway < last && last < done)
        }
    }

    @Test func onATerminalTheRunningStepTicksWithItsLastOutputLine() throws {
        let fixture = try RunFixture(playbook: Self.talkative)
        let typescript = fixture.root.appendingPathComponent("typescript")
        let command = "\(belayBinary.path) run \(fixture.playbook.path) --run-id r1"
        let result = try Tool.shell(
            "script -q -e -c \(shellQuoted(command)) /dev/null > \(shellQuoted(typescript.path))", in: fixture.root,
            environment: ["TERM": "xterm", "TRACE": fixture.trace.path])
        #expect(result.status == 0, "\(result.output)")
        let screen = try String(contentsOf: typescript, encoding: .utf8)
        // A ticking line: the step, its elapsed time in whole seconds, the last line it wrote.
        #expect(screen.contains("one/talk  1s  │ halfway there"), "\(screen)")
        #expect(screen.contains("one/slow  "))
        // Erased (cursor up, clear below) before each event line, so only event lines remain.
        #expect(screen.contains("\u{1B}[1A\r\u{1B}[J"))
        #expect(screen.contains("✓ Run r1 completed"))
    }

    /// A step that runs until the test creates `$TRACE.go`, so the run is surely still going while
    /// another terminal starts to follow it.
    static let heldOpen = playbookText(phase("one", steps:
        tracedStep("talk", run: "echo first line; echo last line"),
        tracedStep("slow", run: #"touch "$TRACE.slow"; while [ ! -e "$TRACE.go" ]; do sleep 0.1; done"#)))

    @Test func logFollowTailsARunFromAnotherTerminalUntilItEnds() throws {
        let fixture = try RunFixture(playbook: Self.heldOpen)
        let (run, _) = try fixture.startBelay(["run", fixture.playbook.path, "--run-id", "r1"])
        #expect(eventually { fixture.exists(".belay/runs/r1/journal.jsonl") })
        let ws = fixture.workspace.path
        let status = try fixture.belay(["status", "r1", "--workspace", ws])
        #expect(status.stdout.contains("running for "), "\(status.stdout)")
        #expect(status.stdout.contains("(pid \(run.processIdentifier) on "))
        #expect(!status.stdout.contains("took"))

        #expect(eventually { FileManager.default.fileExists(atPath: fixture.trace.path + ".slow") })
        let (follower, output) = try fixture.startBelay(["log", "r1", "--follow", "--workspace", ws])
        #expect(eventually { ((try? String(contentsOf: output, encoding: .utf8)) ?? "").contains("▶ one/slow started") })
        _ = FileManager.default.createFile(atPath: fixture.trace.path + ".go", contents: nil)
        follower.waitUntilExit()
        let followed = ToolResult(
            status: follower.terminationStatus, stdout: try String(contentsOf: output, encoding: .utf8), stderr: "",
            pid: follower.processIdentifier)
        #expect(followed.status == 0, "\(followed.output)")
        // It returned because the run ended, having printed every event up to the end.
        #expect(try fixture.events().last == "run_completed")
        #expect(followed.stdout.hasPrefix("Run r1 · playbook test · running\n"), "\(followed.stdout)")
        #expect(followed.stdout.contains("✓ one/talk succeeded"), "\(followed.stdout)")
        #expect(followed.stdout.contains("■ run completed"))
        #expect(followed.stdout.hasSuffix("Now: completed. A resume would start at: nothing: the run has ended (completed); a rollback can still undo it.\n"))
        run.waitUntilExit()
        #expect(run.terminationStatus == 0)

        let after = try fixture.belay(["status", "r1", "--workspace", ws])
        #expect(after.stdout.contains(" · took "), "\(after.stdout)")
        // A finished run: --follow prints the whole story and returns at once.
        let again = try fixture.belay(["log", "r1", "--follow", "--json", "--workspace", ws])
        let lines = again.stdout.split(separator: "\n")
        #expect(lines.count > 5)
        #expect(lines.last?.contains(#""event":"run_completed""#) == true)
    }

    @Test func statusOfARunWhoseProcessDiedSaysNoOneCarriesItOn() throws {
        let fixture = try RunFixture(playbook: playbookText(phase("one", steps: tracedStep("a", run: #"touch "$TRACE.a"; sleep 4"#))))
        let (run, _) = try fixture.startBelay(["run", fixture.playbook.path, "--run-id", "r1"])
        #expect(eventually { FileManager.default.fileExists(atPath: fixture.trace.path + ".a") })
        kill(run.processIdentifier, SIGKILL)
        run.waitUntilExit()
        let status = try fixture.belay(["status", "r1", "--workspace", fixture.workspace.path])
        #expect(status.stdout.contains("no process is carrying it on (interrupted; belay resume r1 continues it)"), "\(status.stdout)")
    }
}

func shellQuoted(_ text: String) -> String { "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'" }
