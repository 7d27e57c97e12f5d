import Foundation
import Testing

/// `make install`: the static build copied under a prefix runs a playbook from an empty environment.
///
/// A static release build takes minutes, so this test does not make one: it runs when one exists
/// (`make static`, in `.build-static` or the folder `BELAY_STATIC_SCRATCH` names) and is skipped
/// otherwise. `make install` itself checks the same two things on every install.
@Suite struct InstallTests {
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let scratch = ProcessInfo.processInfo.environment["BELAY_STATIC_SCRATCH"] ?? ".build-static"
    static let staticBuildExists = FileManager.default.isExecutableFile(
        atPath: packageRoot.appendingPathComponent(scratch).appendingPathComponent("release/belay").path)

    @Test(.enabled(if: staticBuildExists, "no static build: run `make static` first"))
    func theInstalledBinaryRunsAPlaybookFromAnEmptyEnvironment() throws {
        let fixture = try RunFixture(playbook: playbookText(
            phase("one", steps: tracedStep("a", run: "echo a > a.txt", compensate: "rm -f a.txt"))))
        let prefix = fixture.root.appendingPathComponent("prefix")
        let install = try Tool.run(
            URL(fileURLWithPath: "/usr/bin/env"),
            ["make", "-s", "install", "PREFIX=\(prefix.path)", "STATIC_SCRATCH=\(Self.scratch)"], in: Self.packageRoot)
        #expect(install.status == 0, "\(install.stdout)\n\(install.stderr)")
        let installed = prefix.appendingPathComponent("bin/belay").path
        let linked = try Tool.run(URL(fileURLWithPath: "/usr/bin/env"), ["ldd", installed], in: fixture.root).stdout
        #expect(!linked.contains("libswift") && !linked.contains("libFoundation"), "\(linked)")
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
        #expect(status.stdout.contains(#""status" : "completed""#) || status.stdout.contains(#""status":"completed""#), "\(status.stdout)")
    }
}
