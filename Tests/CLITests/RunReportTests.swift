import Foundation
import Testing

/// `belay report`: a self-contained HTML page (opened in headless Chromium) and Markdown for CI.
@Suite struct RunReportTests {
    /// An approved, completed run with a secret output, then rolled back to its first phase.
    func recordedRun() throws -> RunFixture {
        let fixture = try RunFixture(playbook: playbookText(
            phase("build", steps: tracedStep("a", run: #"echo "token=$API_TOKEN" >> "$BELAY_OUTPUT"; echo "id=42" >> "$BELAY_OUTPUT""#)),
            phase("release", steps: """
                      - id: go-live
                        approval: { message: "Ship it?" }

                """, tracedStep("b", run: "sleep 0.3")),
            header: "secrets: [API_TOKEN]\n"))
        let ws = fixture.workspace.path
        let env = ["API_TOKEN": "s3cr3t-value"]
        #expect(try fixture.run(environment: env).status == 75)
        #expect(try fixture.belay(["approve", "r1", "--by", "ana", "--comment", "canary green", "--workspace", ws]).status == 0)
        #expect(try fixture.belay(["resume", "r1", "--workspace", ws], environment: env).status == 0)
        #expect(try fixture.belay(["rollback", "r1", "--to", "build", "--workspace", ws], environment: env).status == 0)
        return fixture
    }

    @Test func markdownSummarisesTheRunForACIJobSummary() throws {
        let fixture = try recordedRun()
        let result = try fixture.belay(["report", "r1", "--format", "markdown", "--workspace", fixture.workspace.path])
        #expect(result.status == 0, "\(result.output)")
        let text = result.stdout
        #expect(text.hasPrefix("## Belay run `r1`: ✅ rolled_back to build\n"), "\(text)")
        #expect(text.contains("| build | a | succeeded | 1 | "))
        #expect(text.contains("`id=42 token=***`"))
        #expect(!text.contains("s3cr3t-value"))
        #expect(text.contains("| `release/b (compensation)` | compensated |"))
        #expect(text.contains("| release/go-live | approved | ana | canary green |"))
        #expect(text.contains("| start | `"))
        #expect(text.contains("| release | `") && text.contains("| undone |"))
    }

    @Test func theHTMLReportOpensInAHeadlessBrowserWithItsTimeline() throws {
        let fixture = try recordedRun()
        let page = fixture.root.appendingPathComponent("report.html")
        let written = try fixture.belay(["report", "r1", "--output", page.path, "--workspace", fixture.workspace.path])
        #expect(written.status == 0, "\(written.output)")
        #expect(written.stderr.contains("report of run r1 written to \(page.path)"))
        let html = try String(contentsOf: page, encoding: .utf8)
        #expect(!html.contains("s3cr3t-value"))
        #expect(!html.contains("<script"))
        #expect(!html.contains("src=\"http") && !html.contains("href=\"http"))

        let screenshot = fixture.root.appendingPathComponent("report.png")
        let script = Tool.repositoryRoot.appendingPathComponent("Tests/CLITests/Scripts/inspect_report.py").path
        let browser = try Tool.run(
            URL(fileURLWithPath: "/usr/bin/env"), ["python3", script, page.path, screenshot.path], in: fixture.root)
        try #require(browser.status == 0, "headless Chromium with Selenium is needed (make deps installs them): \(browser.output)")
        let seen = try #require(try JSONSerialization.jsonObject(with: Data(browser.stdout.utf8)) as? [String: Any])
        #expect(seen["title"] as? String == "Belay run r1")
        #expect((seen["network"] as? [Any])?.isEmpty == true, "the page fetched \(seen["network"] ?? "")")
        let bars = try #require(seen["bars"] as? [[String: Any]])
        let drawn = bars.map { "\($0["kind"] as? String ?? ""):\($0["step"] as? String ?? ""):\($0["outcome"] as? String ?? "")" }
        // An approval step has nothing to compensate: no compensation bar.
        #expect(drawn == [
            "step:build/a:succeeded", "approval:release/go-live:approved", "step:release/go-live:succeeded",
            "step:release/b:succeeded", "compensation:release/b:compensated",
        ], "\(drawn)")
        #expect(bars.allSatisfy { ($0["visible"] as? Bool) == true && ($0["width"] as? Double ?? 0) >= 1 })
        let tables = try #require(seen["tables"] as? [String: [[String]]])
        #expect(tables["steps"]?.first { $0.count > 5 && $0[1] == "a" }?[5] == "id=42 token=***")
        #expect(tables["approvals"]?.first?.contains("ana") == true)
        #expect(tables["points"]?.map { $0[0] } == ["start", "build", "release"])
        #expect(FileManager.default.fileExists(atPath: screenshot.path))
    }

    @Test func anUnknownFormatOrRunIsRefusedClearly() throws {
        let fixture = try RunFixture(playbook: playbookText(phase("one", steps: tracedStep("a"))))
        #expect(try fixture.run().status == 0)
        let ws = fixture.workspace.path
        let format = try fixture.belay(["report", "r1", "--format", "pdf", "--workspace", ws])
        #expect(format.status == 2)
        #expect(format.stderr.contains("Please provide one of 'html' and 'markdown'"))
        let unknown = try fixture.belay(["report", "nope", "--workspace", ws])
        #expect(unknown.status == 2)
        #expect(unknown.stderr.contains("nope"))
        let folder = try fixture.belay(["report", "r1", "--output", "/nonexistent/dir/r.html", "--workspace", ws])
        #expect(folder.status == 1)
        #expect(folder.stderr.contains("cannot write the report to /nonexistent/dir/r.html"))
    }
}
