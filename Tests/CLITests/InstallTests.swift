import Foundation
import Testing

/// `make install`: the static build copied under a prefix runs a playbook, and serves, from an empty environment.
///
/// `make test` installs one before the tests (a static link of the build's own configuration)
/// and names it in `BELAY_INSTALLED`; a bare `swift test` has none, and skips this.
@Suite struct InstallTests {
    static let installed = ProcessInfo.processInfo.environment["BELAY_INSTALLED"]

    @Test(.enabled(if: installed != nil, "no installed binary: run the tests with `make test`"))
    func theInstalledBinaryRunsAPlaybookFromAnEmptyEnvironment() throws {
        let fixture = try RunFixture(playbook: playbookText(
            phase("one", steps: tracedStep("a", run: "echo a > a.txt", compensate: "rm -f a.txt"))))
        let installed = try #require(Self.installed)
        let linked = try Tool.run(URL(fileURLWithPath: "/usr/bin/env"), ["ldd", installed], in: fixture.root).stdout
        #expect(!linked.contains("libswift") && !linked.contains("libFoundation") && !linked.contains("libdispatch"), "\(linked)")
        #expect(!linked.contains("libcurl"), "\(linked)")
        #expect(linked.contains("libgit2"), "\(linked)")

        let clean = ["-i", "PATH=/usr/bin:/bin", "TRACE=\(fixture.trace.path)", installed]
        let run = try Tool.run(
            URL(fileURLWithPath: "/usr/bin/env"),
            clean + ["run", fixture.playbook.path, "--run-id", "r1"], in: fixture.root)
        #expect(run.status == 0, "\(run.stdout)\n\(run.stderr)")
        #expect(fixture.read("a.txt") == "a\n")
        let status = try Tool.run(
            URL(fileURLWithPath: "/usr/bin/env"), clean + ["status", "r1", "--workspace", fixture.workspace.path, "--json"],
            in: fixture.root)
        let object = try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [String: Any]
        #expect(object?["status"] as? String == "completed", "\(status.stdout)")
    }

    /// `belay serve` runs the `belay-serve` installed beside `belay`: both static, from an empty environment.
    @Test(.enabled(if: installed != nil, "no installed binary: run the tests with `make test`"))
    func theInstalledBinaryServesTheAPIFromAnEmptyEnvironment() throws {
        let fixture = try RunFixture(playbook: playbookText(
            phase("one", steps: tracedStep("a", run: "echo a > a.txt", compensate: "rm -f a.txt"))))
        let installed = try #require(Self.installed)
        let server = URL(fileURLWithPath: installed).deletingLastPathComponent().appendingPathComponent("belay-serve").path
        let linked = try Tool.run(URL(fileURLWithPath: "/usr/bin/env"), ["ldd", server], in: fixture.root).stdout
        #expect(!linked.contains("libswift") && !linked.contains("libFoundation") && !linked.contains("libdispatch"), "\(linked)")

        let clean = ["-i", "PATH=/usr/bin:/bin", "TRACE=\(fixture.trace.path)", installed]
        let run = try Tool.run(URL(fileURLWithPath: "/usr/bin/env"), clean + ["run", fixture.playbook.path, "--run-id", "r1"], in: fixture.root)
        #expect(run.status == 0, "\(run.stdout)\n\(run.stderr)")

        let serve = try ServeFixture(fixture) { fixture, arguments in
            let out = fixture.root.appendingPathComponent("serve-output")
            _ = FileManager.default.createFile(atPath: out.path, contents: nil)
            let handle = try FileHandle(forWritingTo: out)
            let process = try Tool.start(
                URL(fileURLWithPath: "/usr/bin/env"), clean + arguments, in: fixture.root, stdout: handle, stderr: handle)
            return (process, out)
        }
        defer { serve.stop() }
        #expect(serve.status() == "completed", "\(serve.output)")
        let openAPI = try serve.get("/openapi.json")
        #expect(openAPI.status == 200 && openAPI.object["openapi"] != nil, "\(openAPI.body.prefix(200))")
    }
}
