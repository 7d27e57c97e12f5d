import Foundation
import Testing

/// A playbook with an approval step between two traced steps.
func approvalPlaybook(timeout: String? = nil, onTimeout: String = "reject") -> String {
    let wait = timeout.map { ", timeout: \($0), on_timeout: \(onTimeout)" } ?? ""
    return playbookText(
        phase("build", steps: tracedStep("a", run: "touch a.out", compensate: traceLine + "; rm -f a.out")),
        phase("release", steps: """
                  - id: go-live
                    approval: { message: "Promote {{ vars.version }}?"\(wait) }

            """, tracedStep("b")),
        header: "vars: { version: \"1.4.2\" }\n")
}

/// Non-interactive approvals: run → exit 75 waiting_approval → `belay approve` → `belay resume`.
@Suite struct ApprovalTests {
    @Test func anApprovedStepLetsTheRunGoOnAndTheApproverIsRecorded() throws {
        let fixture = try RunFixture(playbook: approvalPlaybook())
        let ws = fixture.workspace.path
        let waiting = try fixture.run()
        #expect(waiting.status == 75, "\(waiting.stdout)\(waiting.stderr)")
        #expect(waiting.stdout.contains("Promote 1.4.2?"))
        #expect(waiting.stdout.contains("belay approve r1 --by NAME --comment TEXT"))
        #expect(waiting.stdout.contains("belay resume r1"))
        #expect(fixture.traced == ["a:run"])
        let status = try fixture.belay(["status", "r1", "--workspace", ws, "--json"])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [String: Any])
        #expect(object["status"] as? String == "waiting_approval")
        let text = try fixture.belay(["status", "r1", "--workspace", ws])
        #expect(text.stdout.contains("waiting for approval at release/go-live: Promote 1.4.2?"))

        let approved = try fixture.belay(["approve", "r1", "--by", "ana", "--comment", "canary is green", "--workspace", ws])
        #expect(approved.status == 0, "\(approved.stdout)\(approved.stderr)")
        let recorded = try #require(try fixture.event("approval_recorded", step: "go-live"))
        #expect(recorded["decision"] as? String == "approved")
        #expect(recorded["by"] as? String == "ana")
        #expect(recorded["comment"] as? String == "canary is green")
        #expect((recorded["time"] as? String)?.isEmpty == false)
        #expect(fixture.traced == ["a:run"])  // nothing runs until resume

        let resumed = try fixture.belay(["resume", "r1", "--workspace", ws])
        #expect(resumed.status == 0, "\(resumed.stdout)\(resumed.stderr)")
        #expect(fixture.traced == ["a:run", "b:run"])
        let message = try fixture.pointMessage("release")
        #expect(message.contains("Belay-Approval: go-live approved by ana"))
        #expect(message.contains("canary is green"))
        #expect(try fixture.events().last == "run_completed")
    }

    @Test func aRejectedStepFailsAndTheRunIsCompensated() throws {
        let fixture = try RunFixture(playbook: approvalPlaybook())
        let ws = fixture.workspace.path
        #expect(try fixture.run().status == 75)
        let rejected = try fixture.belay(["approve", "r1", "--reject", "--by", "bob", "--comment", "error rate up", "--workspace", ws])
        #expect(rejected.status == 0, "\(rejected.stdout)\(rejected.stderr)")
        let resumed = try fixture.belay(["resume", "r1", "--workspace", ws])
        #expect(resumed.status == 1, "\(resumed.stdout)\(resumed.stderr)")
        #expect(resumed.stdout.contains("rejected by bob: error rate up"))
        #expect(fixture.traced == ["a:run", "a:compensate"])
        #expect(!fixture.exists("a.out"))
        let recorded = try #require(try fixture.event("approval_recorded", step: "go-live"))
        #expect(recorded["decision"] as? String == "rejected")
        #expect(try fixture.events().last == "run_compensated")
        // Nothing is waiting any more.
        let again = try fixture.belay(["approve", "r1", "--by", "ana", "--workspace", ws])
        #expect(again.status == 2)
    }

    @Test func aTimedOutApprovalFollowsOnTimeoutEvenAcrossProcesses() throws {
        for (onTimeout, expected) in [("reject", Int32(1)), ("approve", Int32(0))] {
            let fixture = try RunFixture(playbook: approvalPlaybook(timeout: "300ms", onTimeout: onTimeout))
            #expect(try fixture.run().status == 75)
            let requested = try #require(try fixture.event("approval_requested", step: "go-live"))
            #expect(requested["deadline"] is String)
            Thread.sleep(forTimeInterval: 0.6)
            let resumed = try fixture.belay(["resume", "r1", "--workspace", fixture.workspace.path])
            #expect(resumed.status == expected, "\(onTimeout): \(resumed.stdout)\(resumed.stderr)")
            let recorded = try #require(try fixture.event("approval_recorded", step: "go-live"))
            #expect(recorded["by"] as? String == "timeout")
            #expect((recorded["note"] as? String)?.contains("on_timeout: \(onTimeout)") == true)
            #expect(fixture.traced == (onTimeout == "approve" ? ["a:run", "b:run"] : ["a:run", "a:compensate"]))
        }
    }

    @Test func resumeBeforeADecisionKeepsWaiting() throws {
        let fixture = try RunFixture(playbook: approvalPlaybook(timeout: "1h"))
        #expect(try fixture.run().status == 75)
        let resumed = try fixture.belay(["resume", "r1", "--workspace", fixture.workspace.path])
        #expect(resumed.status == 75, "\(resumed.stdout)\(resumed.stderr)")
        // The wait still counts from the first request.
        #expect(try fixture.journal().filter { $0["event"] as? String == "approval_requested" }.count == 1)
        #expect(fixture.traced == ["a:run"])
    }

    @Test func approveRefusesARunThatIsNotWaiting() throws {
        let fixture = try RunFixture(playbook: playbookText(phase("one", steps: tracedStep("a"))))
        #expect(try fixture.run().status == 0)
        let result = try fixture.belay(["approve", "r1", "--workspace", fixture.workspace.path])
        #expect(result.status == 2)
        #expect(result.stderr.contains("not waiting for an approval"))
    }

    @Test func atATerminalTheQuestionIsAskedAndAnswered() throws {
        // `script` gives belay a pseudo-terminal as stdin; "y" answers the question.
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/script") else { return }
        let fixture = try RunFixture(playbook: approvalPlaybook())
        let command = "printf 'y\\n' | script -qec '\(belayBinary.path) run \(fixture.playbook.path) --run-id r1' /dev/null"
        let result = try fixture.shell(command)
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.contains("Promote 1.4.2? [y/N]"))
        #expect(fixture.traced == ["a:run", "b:run"])
        let recorded = try #require(try fixture.event("approval_recorded", step: "go-live"))
        #expect(recorded["decision"] as? String == "approved")
        #expect(recorded["note"] as? String == "answered at the terminal")
    }
}

extension RunFixture {
    /// `sh -c <command>` from the fixture's root, with TRACE set (stdout and stderr captured).
    func shell(_ command: String) throws -> Result {
        try Tool.run(URL(fileURLWithPath: "/bin/sh"), ["-c", command], in: root, environment: ["TRACE": trace.path])
    }
}
