import Foundation
import Testing

/// The dashboard in a real browser (headless Chromium): the run seen live, approved with a click,
/// watched to completion, then rolled back from a point after its dry run.
@Suite struct ServeDashboardTests {
    @Test func aRunIsWatchedLiveAndApprovedFromTheBrowser() throws {
        let fixture = try RunFixture(playbook: playbookText(
            phase("build", steps: tracedStep("a", run: #"sleep 1; echo "image=web:2.0" >> "$BELAY_OUTPUT""#)),
            phase("release", steps: """
                      - id: go-live
                        approval: { message: "Ship web:2.0?" }

                """, tracedStep("b", run: "sleep 0.5"))))
        let server = try ServeFixture(fixture)
        let started = try server.post("/api/runs", #"{"playbook": "playbook.yml", "run_id": "r1"}"#)
        #expect(started.status == 202, "\(started.body)")

        let screenshot = fixture.root.appendingPathComponent("dashboard.png")
        let script = Tool.repositoryRoot.appendingPathComponent("Tests/CLITests/Scripts/dashboard_approve.py").path
        let browser = try Tool.run(
            URL(fileURLWithPath: "/usr/bin/env"), ["python3", script, server.base, "r1", server.token, "ana", screenshot.path],
            in: fixture.root)
        try #require(browser.status == 0, "headless Chromium with Selenium is needed (make deps installs them): \(browser.output)\n\(server.output)")
        let seen = try #require(try JSONSerialization.jsonObject(with: Data(browser.stdout.utf8)) as? [String: Any])
        #expect(seen["runs"] as? [String] == ["r1"])
        #expect(seen["question"] as? String == "Ship web:2.0?")
        // Seen live on one page: waiting, completed, then rolled back, without a reload.
        let statuses = try #require(seen["seen"] as? [String])
        let waiting = try #require(statuses.firstIndex(of: "waiting_approval"), "\(statuses)")
        let completed = try #require(statuses.firstIndex(of: "completed"), "\(statuses)")
        #expect(waiting < completed)
        #expect(statuses.last == "rolled_back")
        #expect(seen["same_page"] as? Bool == true)
        #expect((seen["outside"] as? [Any])?.isEmpty == true, "the page fetched \(seen["outside"] ?? "")")
        let bars = try #require(seen["bars"] as? [[String: Any]])
        let drawn = bars.map { "\($0["kind"] as? String ?? ""):\($0["step"] as? String ?? ""):\($0["outcome"] as? String ?? "")" }
        // By start: the approval step starts, then its wait for a person.
        #expect(drawn == ["step:build/a:succeeded", "step:release/go-live:succeeded", "approval:release/go-live:approved",
                          "step:release/b:succeeded"], "\(drawn)")
        #expect(bars.allSatisfy { ($0["width"] as? Double ?? 0) >= 1 })
        let approvals = try #require(seen["approvals"] as? [[String]])
        #expect(approvals.first?.contains("ana") == true, "\(approvals)")
        #expect(approvals.first?.contains("looks good from the browser") == true, "\(approvals)")
        // The click went through the journal, recording who approved.
        let recorded = try #require(try fixture.event("approval_recorded", step: "go-live"))
        #expect(recorded["by"] as? String == "ana")
        #expect(FileManager.default.fileExists(atPath: screenshot.path))
        // "Roll back to here": the dry run was shown and nothing changed until confirmed.
        #expect((seen["plan"] as? String)?.contains("release/b") == true, "\(seen["plan"] ?? "")")
        #expect(seen["status_before_confirm"] as? String == "completed")
        #expect(fixture.traced == ["a:run", "b:run", "b:compensate"])
        #expect(try fixture.events().last == "run_rolled_back")
    }
}
