import Foundation
import Testing

/// Restores that keep what they overwrite and check what they did (docs/state.md, "What Belay
/// checks"): a forced restore over an operator's edit, a phase that writes `.belayignore`, a
/// 250-byte file name, a deleted point ref, a full disk, a reused run id, and every command Belay
/// suggests on the way.
@Suite(.serialized) struct TrustRestoreTests {
    private func ws(_ fixture: RunFixture) -> [String] { ["--workspace", fixture.workspace.path] }

    /// Phase one's step a fails to compensate until `$TRACE.fixed` exists; phase two fails: stuck.
    private func stuckRun() throws -> (fixture: RunFixture, output: String) {
        let fixture = try RunFixture(playbook: playbookText(
            phase("one", steps: tracedStep("a", run: "echo applied > migration.sql",
                                           compensate: traceLine + #"; test -f "$TRACE.fixed""#)),
            phase("two", steps: tracedStep("b", run: "exit 1"))))
        let stuck = try fixture.run()
        #expect(stuck.status == 3, "\(stuck.output)")
        return (fixture, stuck.output)
    }

    @Test func aForcedRestoreKeepsTheOperatorsEditInACommitAndSaysHowToGetItBack() throws {
        let fixture = try stuckRun().fixture
        try "operator fix\n".write(to: fixture.workspace.appendingPathComponent("app.txt"), atomically: true, encoding: .utf8)
        _ = FileManager.default.createFile(atPath: fixture.trace.path + ".fixed", contents: nil)
        let refused = try fixture.belay(["resume", "r1"] + ws(fixture))
        #expect(refused.status == 2, "\(refused.output)")
        #expect(refused.stderr.contains("modified app.txt"))
        #expect(refused.stderr.contains("keeps the workspace as it is in a commit"))

        let forced = try fixture.belay(["resume", "r1", "--force"] + ws(fixture))
        #expect(forced.status == 1, "\(forced.output)")
        #expect(fixture.read("app.txt") == "original\n")
        let command = try #require(forced.stdout.split(separator: "\n").compactMap { line in
            line.range(of: "bring a file back: ").map { String(line[$0.upperBound...]) }
        }.first, "\(forced.stdout)")
        #expect(command.contains("app.txt"))
        #expect(try Tool.shell(command, in: fixture.root).status == 0)
        #expect(fixture.read("app.txt") == "operator fix\n")
        // The commit is on the run's history, append-only, and the log tells it again.
        #expect(try fixture.git(["log", "--format=%s", "refs/belay/runs/r1"]).contains("belay: r1 preserved"))
        #expect(try fixture.belay(["log", "r1"] + ws(fixture)).stdout.contains("bring a file back: git --git-dir"))
    }

    @Test func driftLeftByALaterRunNamesThatRun() throws {
        let fixture = try RunFixture(playbook: playbookText(
            phase("one", steps: tracedStep("a", run: "echo \"$BELAY_RUN_ID\" > app.txt")),
            phase("two", steps: tracedStep("b"))))
        #expect(try fixture.run(id: "r1", ["--stop-after-phase", "one"]).status == 75)
        #expect(try fixture.run(id: "r2").status == 0)
        let refused = try fixture.belay(["resume", "r1"] + ws(fixture))
        #expect(refused.status == 2, "\(refused.output)")
        #expect(refused.stderr.contains("as run r2 left it"), "\(refused.stderr)")
    }

    @Test func anUnwindRestoreUsesTheStartPointsIgnoreRulesAndIsVerified() throws {
        let fixture = try RunFixture(playbook: playbookText(
            phase("one", steps: tracedStep("a", run: "echo '*.txt' > .belayignore; echo new > new.txt")),
            phase("two", steps: tracedStep("b", run: "exit 1"))))
        let result = try fixture.run()
        #expect(result.status == 1, "\(result.output)")
        #expect(result.stdout.contains("workspace restored to the start point"))
        #expect(!fixture.exists("new.txt"))
        #expect(!fixture.exists(".belayignore"))
        #expect(fixture.read("app.txt") == "original\n")
    }

    @Test func aFileWithA250ByteNameIsRestored() throws {
        let name = String(repeating: "n", count: 246) + ".txt"
        let fixture = try RunFixture(playbook: playbookText(
            phase("one", steps: tracedStep("a", run: "echo v2 > \(name)")),
            phase("two", steps: tracedStep("b", run: "exit 1"))))
        try "v1\n".write(to: fixture.workspace.appendingPathComponent(name), atomically: true, encoding: .utf8)
        let result = try fixture.run()
        #expect(result.status == 1, "\(result.output)")
        #expect(fixture.read(name) == "v1\n")
        #expect(try fixture.events().last == "run_compensated")
    }

    @Test func aDeletedPointRefIsFoundAgainFromTheJournal() throws {
        let fixture = try RunFixture(playbook: playbookText(
            phase("one", steps: tracedStep("a", run: "echo one > one.txt")),
            phase("two", steps: tracedStep("b", run: "echo two > two.txt"))))
        #expect(try fixture.run().status == 0)
        let commit = try fixture.git(["rev-parse", "refs/belay/points/r1/one"])
        _ = try fixture.git(["update-ref", "-d", "refs/belay/points/r1/one"])

        let dryRun = try fixture.belay(["rollback", "r1", "--to", "one", "--dry-run"] + ws(fixture))
        #expect(dryRun.status == 0, "\(dryRun.output)")
        #expect(dryRun.stdout.contains("two.txt"), "\(dryRun.stdout)")
        #expect(!dryRun.stdout.contains("no file differs"))

        let rolledBack = try fixture.belay(["rollback", "r1", "--to", "one"] + ws(fixture))
        #expect(rolledBack.status == 0, "\(rolledBack.output)")
        #expect(!fixture.exists("two.txt") && fixture.exists("one.txt"))
        #expect(try fixture.git(["rev-parse", "refs/belay/points/r1/one"]) == commit)
    }

    @Test func aPointWhoseCommitIsGoneStopsTheRollbackBeforeAnyCompensation() throws {
        let fixture = try RunFixture(playbook: playbookText(
            phase("one", steps: tracedStep("a")), phase("two", steps: tracedStep("b"))))
        #expect(try fixture.run().status == 0)
        // The journal names a commit the repository does not hold.
        let url = fixture.workspace.appendingPathComponent(".belay/runs/r1/journal.jsonl")
        let commit = try fixture.git(["rev-parse", "refs/belay/points/r1/one"])
        let text = try String(contentsOf: url, encoding: .utf8)
            .split(separator: "\n").map { line -> String in
                guard line.contains(commit) else { return String(line) }
                // A hand-repaired line carries no checksum.
                let bare = line.replacingOccurrences(of: commit, with: String(repeating: "0", count: 40))
                return String(bare[..<bare.range(of: #","crc":""#)!.lowerBound]) + "}"
            }.joined(separator: "\n") + "\n"
        try text.write(to: url, atomically: true, encoding: .utf8)
        _ = try fixture.git(["update-ref", "-d", "refs/belay/points/r1/one"])
        let before = fixture.traced
        for extra in [["--dry-run"], []] {
            let result = try fixture.belay(["rollback", "r1", "--to", "one"] + extra + ws(fixture))
            #expect(result.status == 2, "\(extra): \(result.output)")
            #expect(result.stderr.contains("missing"), "\(result.stderr)")
        }
        #expect(fixture.traced == before)
    }

    @Test func aDeletedJournalDoesNotFreeItsRunID() throws {
        let fixture = try RunFixture(playbook: playbookText(phase("one", steps: tracedStep("a"))))
        #expect(try fixture.run().status == 0)
        let start = try fixture.git(["rev-parse", "refs/belay/points/r1/start"])
        try FileManager.default.removeItem(at: fixture.workspace.appendingPathComponent(".belay/runs/r1/journal.jsonl"))
        let again = try fixture.run()
        #expect(again.status == 2, "\(again.output)")
        #expect(again.stderr.contains("a run with id 'r1' already exists"))
        #expect(try fixture.git(["rev-parse", "refs/belay/points/r1/start"]) == start)
        // Its refs alone keep the id too.
        try FileManager.default.removeItem(at: fixture.workspace.appendingPathComponent(".belay/runs/r1"))
        #expect(try fixture.run().status == 2)
        #expect(try fixture.git(["rev-parse", "refs/belay/points/r1/start"]) == start)
    }

    @Test func everyCommandBelaySuggestsIsOneItAccepts() throws {
        // Stuck at a compensation, then paused (the full-disk test covers a stuck restore): each
        // command Belay prints must be one it accepts.
        let (fixture, output) = try stuckRun()
        try checkSuggestions(output, fixture)
        let stuck = try fixture.belay(["status", "r1"] + ws(fixture))
        try checkSuggestions(stuck.output, fixture, expectSome: false)
        try checkSuggestions(try fixture.belay(["log", "r1"] + ws(fixture)).output, fixture, expectSome: false)

        let paused = try RunFixture(playbook: playbookText(phase("one", steps: tracedStep("a")), phase("two", steps: tracedStep("b"))))
        try checkSuggestions(try paused.run(["--stop-after-phase", "one"]).output, paused)
    }

    /// Runs each `belay …` command that `output` suggests; none may be refused as malformed.
    func checkSuggestions(_ output: String, _ fixture: RunFixture, expectSome: Bool = true) throws {
        let commands = suggestedCommands(output)
        #expect(!expectSome || !commands.isEmpty, "no command suggested in: \(output)")
        for command in commands {
            let result = try Tool.shell(command, in: fixture.root, environment: ["TRACE": fixture.trace.path])
            #expect(result.status != 64 && !result.stderr.contains("Usage:") && !result.stderr.contains("Error:"),
                    "\(command): \(result.output)")
        }
    }

    private func suggestedCommands(_ output: String) -> [String] {
        var commands: [String] = []
        for line in output.split(separator: "\n") {
            var rest = Substring(line)
            while let range = rest.range(of: "belay ") {
                let before = rest[..<range.lowerBound]
                guard before.isEmpty || before.hasSuffix(" ") || before.hasSuffix("`") || before.hasSuffix(":") else {
                    rest = rest[range.upperBound...]
                    continue
                }
                var command = rest[range.lowerBound...]
                for end in ["`", "   or   "] { if let stop = command.range(of: end) { command = command[..<stop.lowerBound] } }
                let verb = command.dropFirst(6).prefix { $0 != " " }
                if ["resume", "rollback", "resolve", "status", "log", "inspect", "approve", "runs", "points", "diff"].contains(String(verb)) {
                    commands.append(belayBinary.path + " " + command.dropFirst(6).replacingOccurrences(of: "\"…\"", with: "'done by hand'"))
                }
                rest = rest[range.upperBound...]
            }
        }
        return commands
    }
}
