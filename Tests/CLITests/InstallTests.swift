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
        let (fixture, installed) = try Self.ranFromAnEmptyEnvironment()
        let linked = try Self.expectNoSwiftRuntime(in: installed, fixture)
        #expect(!linked.contains("libcurl"), "\(linked)")
        #expect(linked.contains("libgit2"), "\(linked)")
        #expect(fixture.read("a.txt") == "a\n")
        let arguments = Self.clean(fixture, installed) + ["status", "r1", "--workspace", fixture.workspace.path, "--json"]
        let status = try Tool.run(envCommand, arguments, in: fixture.root)
        let object = try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [String: Any]
        #expect(object?["status"] as? String == "completed", "\(status.stdout)")
    }

    /// `belay serve` runs the `belay-serve` installed beside `belay`: both static, from an empty environment.
    @Test(.enabled(if: installed != nil, "no installed binary: run the tests with `make test`"))
    func theInstalledBinaryServesTheAPIFromAnEmptyEnvironment() throws {
        let (fixture, installed) = try Self.ranFromAnEmptyEnvironment()
        let server = URL(fileURLWithPath: installed).deletingLastPathComponent().appendingPathComponent("belay-serve").path
        _ = try Self.expectNoSwiftRuntime(in: server, fixture)

        let serve = try ServeFixture(fixture) { fixture, arguments in
            try fixture.start(envCommand, Self.clean(fixture, installed) + arguments)
        }
        defer { serve.stop() }
        #expect(serve.status() == "completed", "\(serve.output)")
        let openAPI = try serve.get("/openapi.json")
        #expect(openAPI.status == 200 && openAPI.object["openapi"] != nil, "\(openAPI.body.prefix(200))")
    }

    /// A one-step run, `r1`, made by the installed binary from an empty environment.
    private static func ranFromAnEmptyEnvironment() throws -> (fixture: RunFixture, installed: String) {
        let fixture = try RunFixture(playbook: playbookText(
            phase("one", steps: tracedStep("a", run: "echo a > a.txt", compensate: "rm -f a.txt"))))
        let installed = try #require(Self.installed)
        let run = try Tool.run(envCommand, clean(fixture, installed) + ["run", fixture.playbook.path, "--run-id", "r1"], in: fixture.root)
        #expect(run.status == 0, "\(run.stdout)\n\(run.stderr)")
        return (fixture, installed)
    }

    /// `env` arguments that run `installed` with nothing of this environment but a PATH.
    private static func clean(_ fixture: RunFixture, _ installed: String) -> [String] {
        ["-i", "PATH=/usr/bin:/bin", "TRACE=\(fixture.trace.path)", installed]
    }

    /// What `binary` links (`ldd`), having checked that no Swift runtime library is among it.
    private static func expectNoSwiftRuntime(in binary: String, _ fixture: RunFixture) throws -> String {
        let linked = try Tool.run(envCommand, ["ldd", binary], in: fixture.root).stdout
        #expect(!linked.contains("libswift") && !linked.contains("libFoundation") && !linked.contains("libdispatch"), "\(linked)")
        return linked
    }
}

private let envCommand = URL(fileURLWithPath: "/usr/bin/env")
