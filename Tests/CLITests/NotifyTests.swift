import Foundation
import Testing

/// Notifications: a JSON POST with a `text` line for each notable event of a run, each sent once;
/// a webhook that is down never blocks or fails the run, and its failures are journaled warnings.
@Suite struct NotifyTests {
    /// A webhook receiver on loopback and what it received.
    final class Receiver {
        let pid: Int32
        let out: URL
        let url: String

        init(_ fixture: RunFixture) throws {
            let portFile = fixture.root.appendingPathComponent("port-\(UUID().uuidString)")
            out = fixture.root.appendingPathComponent("received-\(UUID().uuidString).jsonl")
            pid = try fixture.startScript("webhook_receiver.py", [portFile.path, out.path])
            guard eventually(10, { FileManager.default.fileExists(atPath: portFile.path) }),
                  let port = try? String(contentsOf: portFile, encoding: .utf8)
            else { throw CocoaError(.fileNoSuchFile) }
            url = "http://127.0.0.1:\(port)/hooks/T000/secret-token"
        }

        deinit { kill(pid, SIGTERM) }

        var received: [[String: Any]] {
            ((try? String(contentsOf: out, encoding: .utf8)) ?? "").split(separator: "\n").compactMap {
                try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
            }
        }

        /// `(run, event)` of every notice received, in order.
        var events: [String] {
            received.map { "\($0["run"] as? String ?? "?"):\($0["event"] as? String ?? "?")" }
        }
    }

    @Test func everyNotableEventOfEveryKindOfRunArrivesOnce() throws {
        let fixture = try RunFixture(playbook: approvalPlaybook())
        let receiver = try Receiver(fixture)
        let ws = fixture.workspace.path
        // Waiting for approval, approved, completed, then rolled back.
        #expect(try fixture.run(["--notify", receiver.url]).status == 75)
        #expect(try fixture.belay(["approve", "r1", "--by", "ana", "--workspace", ws]).status == 0)
        let resumed = try fixture.belay(["resume", "r1", "--notify", receiver.url, "--workspace", ws])
        #expect(resumed.status == 0, "\(resumed.output)")
        let rolledBack = try fixture.belay(["rollback", "r1", "--to", "start", "--notify", receiver.url, "--workspace", ws])
        #expect(rolledBack.status == 0, "\(rolledBack.output)")
        #expect(receiver.events == ["r1:started", "r1:waiting_for_approval", "r1:completed", "r1:rolled_back"])

        // A failed step, compensated; then one whose compensation fails: stuck.
        let failing = try RunFixture(playbook: playbookText(
            phase("one", steps: tracedStep("a"), tracedStep("b", run: "exit 3"))))
        #expect(try failing.run(["--notify", receiver.url]).status == 1)
        let stuck = try RunFixture(playbook: playbookText(
            phase("one", steps: tracedStep("a", compensate: "exit 4"), tracedStep("b", run: "exit 3"))))
        #expect(try stuck.run(id: "r3", ["--notify", receiver.url]).status == 3)
        #expect(receiver.events.dropFirst(4) == ["r1:started", "r1:step_failed", "r1:compensated", "r3:started", "r3:step_failed", "r3:stuck"])

        let notices = receiver.received
        for notice in notices {
            #expect((notice["text"] as? String)?.contains("Belay run") == true, "\(notice)")
        }
        let waiting = try #require(notices.first { $0["event"] as? String == "waiting_for_approval" })
        #expect((waiting["text"] as? String)?.contains("waiting for approval at release/go-live: Promote 1.4.2?") == true)
        #expect(waiting["step"] as? String == "release/go-live")
        let failed = try #require(notices.first { $0["event"] as? String == "step_failed" })
        #expect(failed["step"] as? String == "one/b")
        #expect(failed["error"] as? String == "exit code 3")
        // Delivered: no warnings journaled.
        #expect(try !fixture.events().contains("warning"))
    }

    @Test func theWebhooksOfThePlaybookAreToldAndADeadOneNeverBlocksTheRun() throws {
        // A port nobody listens on: every delivery is refused, and retried.
        let dead = "http://127.0.0.1:9/hook"
        let fixture = try RunFixture(playbook: playbookText(
            phase("one", steps: tracedStep("a", run: "sleep 0.5")), header: "notify: [\(dead), $BELAY_TEST_HOOK]\n"))
        let receiver = try Receiver(fixture)
        let started = Date()
        let result = try fixture.run(environment: ["BELAY_TEST_HOOK": receiver.url])
        let wall = Date().timeIntervalSince(started)
        #expect(result.status == 0, "\(result.output)")
        #expect(receiver.events == ["r1:started", "r1:completed"])
        // The run itself took its own time; the process waited for the retries at most a few seconds more.
        let journal = try fixture.journal()
        let completed = try #require(journal.first { $0["event"] as? String == "run_completed" })
        let first = try #require(journal.first?["time"] as? String)
        #expect((completed["time"] as? String ?? "") > first)
        #expect(wall < 15, "took \(wall)s")
        let warnings = journal.filter { $0["event"] as? String == "warning" }.compactMap { $0["note"] as? String }
        #expect(warnings.count == 2, "\(warnings)")
        #expect(warnings.allSatisfy { $0.contains("was not delivered to http://127.0.0.1:9/… after 4 tries") })
        #expect(result.stderr.contains("warning: the started notification was not delivered"))
        // The warnings change nothing about the run.
        let status = try fixture.belay(["status", "r1", "--workspace", fixture.workspace.path, "--json"])
        #expect(status.stdout.contains(#""status": "completed""#) || status.stdout.contains(#""status":"completed""#))
        let log = try fixture.belay(["log", "r1", "--workspace", fixture.workspace.path])
        #expect(log.stdout.contains("⚠ warning: the completed notification was not delivered"))
    }

    @Test func aNotifyThatIsNotAWebhookIsRefusedWhereItIsWritten() throws {
        let fixture = try RunFixture(playbook: playbookText(
            phase("one", steps: tracedStep("a")), header: "notify:\n  - ftp://example.org/x\n  - $not-a-name\n"))
        let result = try fixture.belay(["validate", fixture.playbook.path])
        #expect(result.status == 2)
        #expect(result.output.contains("playbook.yml:3:5: error: notify 'ftp://example.org/x' is not an http:// or https:// URL"), "\(result.output)")
        #expect(result.output.contains("notify '$not-a-name' is not a valid environment variable reference"))
    }
}
