import Foundation
import Testing

/// Secret variables end to end: masked in every output Belay has, never written down, asked for
/// again by a resume in a new process; `env:` templated; `.belay/` private whatever the umask.
@Suite struct SecretVarTests {
    static let header = """
        vars:
          token: { secret: true }
          port: "5433"
        env:
          PGPORT: "{{ vars.port }}"
          API_TOKEN: "{{ vars.token }}"

        """

    /// Every file under `.belay`, read as bytes: none may hold `secret`.
    static func filesHolding(_ secret: String, under folder: URL) -> [String] {
        let enumerator = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: nil)
        var found: [String] = []
        while let url = enumerator?.nextObject() as? URL {
            if let data = try? Data(contentsOf: url), data.range(of: Data(secret.utf8)) != nil { found.append(url.path) }
        }
        return found
    }

    @Test func aSecretVarAndASecretInAJUnitMessageAppearInNoOutput() throws {
        let token = "s3cr3t-\(UUID().uuidString)"
        let fixture = try RunFixture(playbook: playbookText(
            phase("build", steps: tracedStep(
                "a", run: #"echo "using {{ vars.token }} on port $PGPORT, env $API_TOKEN"; echo "tok=$BELAY_VAR_TOKEN" >> "$BELAY_OUTPUT""#)),
            phase("release", steps: """
                  - id: check
                    gate: { policy: gate.yml }

            """), header: Self.header))
        try fixture.writeGate(failures: 1)
        // The evidence quotes the secret (a test that printed it); reports are kept out of points.
        let junit = fixture.workspace.appendingPathComponent("reports/tests.xml")
        try String(contentsOf: junit, encoding: .utf8).replacingOccurrences(of: "boom", with: "login as \(token) failed")
            .write(to: junit, atomically: true, encoding: .utf8)
        try "reports/\n".write(to: fixture.workspace.appendingPathComponent(".belayignore"), atomically: true, encoding: .utf8)

        let run = try fixture.run(["--json"], environment: ["BELAY_VAR_TOKEN": token])
        #expect(run.status == 1, "\(run.output)")
        let plain = try fixture.run(id: "r2", environment: ["BELAY_VAR_TOKEN": token])
        #expect(plain.status == 1, "\(plain.output)")
        let ws = ["--workspace", fixture.workspace.path]
        let outputs = [
            run.output, plain.output,
            try fixture.belay(["log", "r1"] + ws).output,
            try fixture.belay(["status", "r1", "--json"] + ws).output,
            try fixture.belay(["inspect", "r1"] + ws).output,
            try fixture.belay(["plan", fixture.playbook.path, "--var", "token=\(token)"]).output,
            try fixture.belay(["plan", fixture.playbook.path, "--json", "--var", "token=\(token)"]).output,
            try fixture.git(["log", "--all", "--format=%B"]),
        ]
        for output in outputs { #expect(!output.contains(token), "\(output)") }
        #expect(Self.filesHolding(token, under: fixture.workspace.appendingPathComponent(".belay")).isEmpty)
        // The step had the real value, and env was templated.
        let log = try #require(fixture.read(".belay/runs/r1/logs/build.a.run.1.log"))
        #expect(log.contains("using *** on port 5433, env ***"), "\(log)")
        let report = try #require(fixture.read(".belay/runs/r1/gates/release.check.txt"))
        #expect(report.contains("login as *** failed"), "\(report)")
        // Not journaled at all, not even masked: a resume asks for it again.
        let started = try #require(try fixture.journal().first)
        #expect((started["vars"] as? [String: String]) == ["port": "5433"])
    }

    @Test func aResumeInANewProcessAsksForTheSecretAgain() throws {
        let token = "s3cr3t-\(UUID().uuidString)"
        let seen = FileManager.default.temporaryDirectory.appendingPathComponent("belay-seen-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: seen) }
        let fixture = try RunFixture(playbook: playbookText(
            phase("one", steps: tracedStep("a", run: "test -f fixed")),
            phase("two", steps: tracedStep("b", run: "printf %s {{ vars.token }} > \(seen.path)")),
            header: Self.header))
        #expect(try fixture.run(["--on-failure", "pause"], environment: ["BELAY_VAR_TOKEN": token]).status == 75)
        try "".write(to: fixture.workspace.appendingPathComponent("fixed"), atomically: true, encoding: .utf8)
        let ws = ["--workspace", fixture.workspace.path, "--force"]
        let refused = try fixture.belay(["resume", "r1"] + ws)
        #expect(refused.status == 2, "\(refused.output)")
        #expect(refused.stderr.contains("token") && refused.stderr.contains("BELAY_VAR_TOKEN")
            && refused.stderr.contains("--var token="), "\(refused.stderr)")
        #expect(try fixture.events().last == "run_paused", "nothing was done")
        let resumed = try fixture.belay(["resume", "r1", "--var", "token=\(token)"] + ws)
        #expect(resumed.status == 0, "\(resumed.output)")
        #expect(try String(contentsOf: seen, encoding: .utf8) == token, "the step got the value, not ***")
    }

    @Test func listingAVariableUnderSecretsIsRefusedWithAHint() throws {
        let fixture = try RunFixture(playbook: playbookText(
            phase("one", steps: tracedStep("a")), header: "vars: { token: abc }\nsecrets: [BELAY_VAR_TOKEN]\n"))
        let result = try fixture.belay(["validate", fixture.playbook.path])
        #expect(result.status == 2, "\(result.output)")
        #expect(result.output.contains("token: { secret: true }"), "\(result.output)")
    }

    @Test func theStateFolderIsPrivateUnderUmask022() throws {
        let fixture = try RunFixture(playbook: playbookText(phase("one", steps: tracedStep("a", run: "echo hi"))))
        let result = try Tool.shell(
            "umask 022; \"$BELAY\" run \(fixture.playbook.path) --run-id r1", in: fixture.root,
            environment: ["BELAY": belayBinary.path, "TRACE": fixture.trace.path])
        #expect(result.status == 0, "\(result.output)")
        func mode(_ relative: String) throws -> Int {
            let attributes = try FileManager.default.attributesOfItem(atPath: fixture.workspace.appendingPathComponent(relative).path)
            return (attributes[.posixPermissions] as? Int ?? 0) & 0o777
        }
        #expect(try mode(".belay") == 0o700)
        #expect(try mode(".belay/runs/r1/journal.jsonl") == 0o600)
        #expect(try mode(".belay/runs/r1/playbook.yml") == 0o600)
        #expect(try mode(".belay/runs/r1/logs/one.a.run.1.log") == 0o600)
    }
}
