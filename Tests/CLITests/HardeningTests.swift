import Foundation
import Testing

/// Inputs at the edges: every limit and refusal asserted by exit code and message (the time and
/// memory figures are in `make bench`).
@Suite struct HardeningTests {
    @Test func outputsTakeDelimitedValuesAndRefuseWhatBreaksALimit() throws {
        let fixture = try RunFixture(playbook: playbookText(
            phase("one", steps: tracedStep("write", run: #"printf 'k<<EOF\na\nINJECTED=evil\nEOF\ncr=a\rSNEAK=evil\n' >> "$BELAY_OUTPUT""#))))
        let result = try fixture.run()
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        let succeeded = try fixture.journal().first { $0["event"] as? String == "step_succeeded" }
        #expect(succeeded?["outputs"] as? [String: String] == ["k": "a\nINJECTED=evil", "cr": "a\rSNEAK=evil"])

        let cases: [(write: String, message: String)] = [
            (#"for i in $(seq 101); do echo "k$i=v" >> "$BELAY_OUTPUT"; done"#, "more outputs than the limit of 100"),
            (#"echo "bad key=1" >> "$BELAY_OUTPUT""#, "the key 'bad key' is not a valid key"),
            (#"head -c 70000 /dev/zero | tr '\0' x | sed 's/^/big=/' >> "$BELAY_OUTPUT""#, "larger than its limit of 64 KiB"),
            (#"printf 'k<<EOF\nno end\n' >> "$BELAY_OUTPUT""#, "has no closing line 'EOF'"),
            (#"echo "just text" >> "$BELAY_OUTPUT""#, "expected key=value or key<<DELIMITER"),
        ]
        for (index, item) in cases.enumerated() {
            let broken = try RunFixture(playbook: playbookText(phase("one", steps: tracedStep("write", run: item.write))))
            let run = try broken.run(id: "r\(index)")
            #expect(run.status == 1, "\(run.stdout)\(run.stderr)")
            #expect((run.stdout + run.stderr).contains(item.message), "\(run.stdout)\(run.stderr)")
        }
    }

    @Test func aLongLogLineIsCutAndABigFileIsRestoredExactly() throws {
        // 3 MB of a file the step rewrites before failing; a 1 MB log line printed in the recap.
        let fixture = try RunFixture(playbook: playbookText(phase("one", steps: tracedStep(
            "big", run: #"head -c 1000000 /dev/zero | tr '\0' y; echo; echo last line; : > big.bin; exit 1"#))))
        let original = Data((0..<3_000_000).map { UInt8(truncatingIfNeeded: $0 &* 31) })
        try original.write(to: fixture.workspace.appendingPathComponent("big.bin"))
        let result = try fixture.run()
        #expect(result.status == 1, "\(result.stderr)")
        #expect(result.stdout.contains("│ " + String(repeating: "y", count: 400) + "… (999600 more bytes)"))
        #expect(result.stdout.contains("│ last line"))
        #expect(!result.stdout.contains(String(repeating: "y", count: 401)))
        #expect(try Data(contentsOf: fixture.workspace.appendingPathComponent("big.bin")) == original)
    }

    @Test func aPlaybookOfThousandsOfPhasesValidates() throws {
        var text = "name: many\nphases:\n"
        for index in 0..<3000 {
            let reference = index == 0 ? "start" : "{{ steps.p\(index - 1).s.out }}"
            text += "  - id: p\(index)\n    steps:\n      - { id: s, run: \"echo out=\(reference) >> $BELAY_OUTPUT\", compensate: \"true\" }\n"
        }
        let fixture = try RunFixture(playbook: text)
        let result = try fixture.belay(["validate", fixture.playbook.path])
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.contains("valid (3000 phases, 3000 steps)"))
    }

    @Test func unsafeWorkspacesStateFoldersAndRunIDsAreRefused() throws {
        let fixture = try RunFixture(playbook: playbookText(phase("one", steps: tracedStep("a"))))
        let refusedRoot = try fixture.run(["--workspace", "/"])
        #expect(refusedRoot.status == 2)
        #expect(refusedRoot.stderr.contains("the workspace / is the root folder"), "\(refusedRoot.stderr)")
        let refusedHome = try fixture.run(["--workspace", fixture.workspace.path], environment: ["HOME": fixture.workspace.path])
        #expect(refusedHome.status == 2)
        #expect(refusedHome.stderr.contains("is a home folder"), "\(refusedHome.stderr)")
        let declared = try RunFixture(playbook: "name: t\nworkspace: /etc\nphases:\n  - id: one\n    steps:\n      - { id: a, run: \"true\", compensate: \"true\" }\n")
        let invalid = try declared.belay(["validate", declared.playbook.path])
        #expect(invalid.status != 0)
        #expect((invalid.stdout + invalid.stderr).contains("workspace /etc is a system folder"))

        for id in ["x.lock", "a.", "../x", "_x"] {
            let refused = try fixture.run(id: id)
            #expect(refused.status == 2, "\(id): \(refused.stdout)")
            #expect(refused.stderr.contains("'\(id)' is not a valid run id ([A-Za-z0-9][A-Za-z0-9._-]*"), "\(refused.stderr)")
        }
        #expect(!fixture.exists(".belay/runs/x.lock"))
        let status = try fixture.belay(["status", "x.lock", "--workspace", fixture.workspace.path])
        #expect(status.status == 2)
        #expect(status.stderr.contains("'x.lock' is not a valid run id"))

        let fresh = try RunFixture(playbook: playbookText(phase("one", steps: tracedStep("a"))))
        let elsewhere = fresh.root.appendingPathComponent("elsewhere")
        try FileManager.default.createDirectory(at: elsewhere, withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(at: fresh.workspace.appendingPathComponent(".belay"), withDestinationURL: elsewhere)
        let linked = try fresh.run()
        #expect(linked.status == 2)
        #expect(linked.stderr.contains(".belay is a symlink"), "\(linked.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: elsewhere.path).isEmpty)
    }

    @Test func aNestedBelayFolderIsCheckpointedLikeAnyOther() throws {
        let fixture = try RunFixture(playbook: playbookText(phase("one", steps: tracedStep(
            "edit", run: "echo changed > vendor/.belay/config; exit 1"))))
        try FileManager.default.createDirectory(
            at: fixture.workspace.appendingPathComponent("vendor/.belay"), withIntermediateDirectories: true)
        try "kept\n".write(to: fixture.workspace.appendingPathComponent("vendor/.belay/config"), atomically: true, encoding: .utf8)
        let result = try fixture.run()
        #expect(result.status == 1, "\(result.stdout)\(result.stderr)")
        #expect(fixture.read("vendor/.belay/config") == "kept\n")
        #expect(try fixture.git(["ls-tree", "-r", "--name-only", "refs/belay/points/r1/start"]).contains("vendor/.belay/config"))
    }

    @Test func controlCharactersFromUsersAreEscapedOnTheTerminalAndInCommits() throws {
        let fixture = try RunFixture(playbook: playbookText(
            phase("build", steps: tracedStep("a", run: #"echo "shown $BELAY_VAR_NOTE"; exit 1"#)),
            header: "vars: { note: \"plain\" }\n"))
        let clear = "\u{1B}[2J"
        let run = try fixture.run(["--var", "note=\(clear)x"])
        #expect(run.status == 1)
        #expect(!run.stdout.contains(clear))
        #expect(run.stdout.contains(#"│ shown \e[2Jx"#), "\(run.stdout)")
        let log = try fixture.belay(["log", "r1", "--workspace", fixture.workspace.path])
        #expect(!log.stdout.contains(clear))
        #expect(log.stdout.contains(#"note=\e[2Jx"#), "\(log.stdout)")

        let approval = try RunFixture(playbook: approvalPlaybook())
        let ws = approval.workspace.path
        #expect(try approval.run().status == 75)
        let approved = try approval.belay(["approve", "r1", "--by", "ana\nBelay-Run: forged", "--comment", "ok\u{1B}[31m", "--workspace", ws])
        #expect(approved.status == 0, "\(approved.stderr)")
        #expect(approved.stdout.contains(#"by ana\nBelay-Run: forged: ok\e[31m"#), "\(approved.stdout)")
        #expect(try approval.belay(["resume", "r1", "--workspace", ws]).status == 0)
        let message = try approval.pointMessage("release")
        #expect(message.contains(#"Belay-Approval: go-live approved by ana\nBelay-Run: forged"#), "\(message)")
        #expect(!message.contains("\nBelay-Run: forged"))
        #expect(!message.contains("\u{1B}"))
    }
}

