import Foundation
import Testing

/// `belay log`, `points`, `diff`, `inspect` and `runs`: text for people, JSON for scripts.
@Suite struct HistoryTests {
    /// A completed run whose phase `two` retried once, then rolled back to `one`.
    static func rolledBackRun() throws -> RunFixture {
        let flaky = #"n=$(cat "$TRACE.n" 2>/dev/null || echo 0); echo $((n+1)) > "$TRACE.n"; test "$n" -ge 1"#
        let fixture = try RunFixture(playbook: playbookText(
            phase("one", steps: tracedStep("a", run: "echo a > a.txt; printf 'x\\ny\\n' >> app.txt",
                                           compensate: traceLine + "; rm -f a.txt")),
            phase("two", steps: tracedStep("b", run: flaky + "; echo b > b.txt", compensate: traceLine + "; rm -f b.txt",
                                           fields: ["retry: { attempts: 2, delay: 10ms }"])),
            phase("three", steps: tracedStep("c", run: "echo c > c.txt", compensate: traceLine + "; rm -f c.txt"))))
        #expect(try fixture.run().status == 0)
        #expect(try fixture.belay(["rollback", "r1", "--to", "one", "--workspace", fixture.workspace.path]).status == 0)
        return fixture
    }

    @Test func logTellsTheStoryOfARolledBackRun() throws {
        let fixture = try Self.rolledBackRun()
        let log = try fixture.belay(["log", "r1", "--workspace", fixture.workspace.path])
        #expect(log.status == 0)
        let text = log.stdout
        #expect(text.hasPrefix("Run r1 · playbook test · rolled_back to one"))
        for expected in [
            "run started by pid", "plan: one (a) → two (b) → three (c)", "⚑ rollback point start recorded",
            "▸ phase one started", "✓ one/a succeeded", "run attempt 1 of two/b failed", "exit code 1",
            "(log: .belay/runs/r1/logs/two.b.run.1.log)", "✓ two/b succeeded", "after 2 attempts",
            "■ run completed", "⟲ rollback to one started: 2 compensations owed (three/c, two/b)",
            "↺ three/c compensated", "↺ two/b compensated", "⟲ workspace restored to the rollback point one",
            "■ run rolled back to one", "Now: rolled_back",
        ] {
            #expect(text.contains(expected), "missing: \(expected)\n\(text)")
        }
        let json = try fixture.belay(["log", "r1", "--workspace", fixture.workspace.path, "--json"])
        let events = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]])
        #expect(events.first?["event"] as? String == "run_started")
        #expect(events.last?["summary"] as? String == "■ run rolled back to one")
        // The text is told from the journal read one event at a time, the JSON from the events
        // held: both tell the same lines, in the same order.
        // A line with its time (`  12:30:45.123  …`) starts each event's story.
        let timed = try Regex(#"^  \d\d:\d\d:\d\d\.\d\d\d  "#)
        let told = text.split(separator: "\n").filter { $0.prefixMatch(of: timed) != nil }
            .map { $0.dropFirst(16).trimmingCharacters(in: .whitespaces) }
        let summaries = events.compactMap { ($0["summary"] as? String)?.split(separator: "\n").first }
            .map { $0.trimmingCharacters(in: .whitespaces) }
        #expect(told.count == events.count)
        #expect(told == summaries, "\(text)")
    }

    /// Commands that only read the journal never open `.belay/git`, so they work while it is
    /// unusable; a command that writes still opens it first and stops before journaling anything.
    @Test func readingNeedsNoRepositoryButWritingStopsFirst() throws {
        let fixture = try RunFixture(playbook: playbookText(phase("one", steps: tracedStep("a", run: "echo a > a.txt", compensate: "rm -f a.txt"))))
        #expect(try fixture.run().status == 0)
        let git = fixture.workspace.appendingPathComponent(".belay/git")
        try FileManager.default.moveItem(at: git, to: fixture.workspace.appendingPathComponent(".belay/git-aside"))
        try Data("not a repository\n".utf8).write(to: git)
        let journal = fixture.workspace.appendingPathComponent(".belay/runs/r1/journal.jsonl")
        let before = try Data(contentsOf: journal)

        let status = try fixture.belay(["status", "r1", "--workspace", fixture.workspace.path])
        #expect(status.status == 0, "\(status.stderr)")
        #expect(status.stdout.contains("completed"))
        let runs = try fixture.belay(["runs", "--workspace", fixture.workspace.path, "--json"])
        #expect(runs.status == 0, "\(runs.stderr)")
        #expect(runs.stdout.contains("\"r1\""))

        let rollback = try fixture.belay(["rollback", "r1", "--to", "start", "--workspace", fixture.workspace.path])
        #expect(rollback.status != 0)
        #expect(try Data(contentsOf: journal) == before)
    }

    @Test func pointsListsEveryPointWithItsFilesAndMarksUndoneOnes() throws {
        let fixture = try Self.rolledBackRun()
        let points = try fixture.belay(["points", "r1", "--workspace", fixture.workspace.path])
        #expect(points.status == 0)
        #expect(points.stdout.contains("2 files changed since start (+3 -0)"))
        #expect(points.stdout.contains("← rolled back here"))
        #expect(points.stdout.contains("[undone]"))
        let json = try fixture.belay(["points", "r1", "--workspace", fixture.workspace.path, "--json"])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        let list = try #require(object["points"] as? [[String: Any]])
        #expect(list.map { $0["point"] as? String } == ["start", "one", "two", "three"])
        #expect(list.map { $0["undone"] as? Bool } == [false, false, true, true])
        let commit = try fixture.git(["rev-parse", "refs/belay/points/r1/two"])
        #expect(list[2]["commit"] as? String == commit)
        #expect((list[2]["files"] as? [[String: Any]])?.map { $0["path"] as? String } == ["b.txt"])
    }

    @Test func diffShowsWhatAPhaseChangedWithLineCounts() throws {
        let fixture = try Self.rolledBackRun()
        let diff = try fixture.belay(["diff", "r1", "one", "--workspace", fixture.workspace.path])
        #expect(diff.status == 0)
        #expect(diff.stdout.contains("2 files changed between the points start"))
        #expect(diff.stdout.contains("added     a.txt    +1 -0"))
        #expect(diff.stdout.contains("modified  app.txt  +2 -0"))
        let json = try fixture.belay(["diff", "r1", "two", "--workspace", fixture.workspace.path, "--json"])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        #expect(object["from"] as? String == "one")
        let files = try #require(object["files"] as? [[String: Any]])
        #expect(files.count == 1 && files[0]["change"] as? String == "added" && files[0]["added"] as? Int == 1)
        let unknown = try fixture.belay(["diff", "r1", "thre", "--workspace", fixture.workspace.path])
        #expect(unknown.status == 2)
        #expect(unknown.stderr.contains("did you mean 'three'"))
    }

    @Test func inspectShowsStepsAttemptsFilesAndWhereResumeStarts() throws {
        let fixture = try Self.rolledBackRun()
        let inspect = try fixture.belay(["inspect", "r1", "two", "--workspace", fixture.workspace.path])
        #expect(inspect.status == 0)
        #expect(inspect.stdout.contains("Phase two · run r1 · compensated"))
        #expect(inspect.stdout.contains("2 attempts (1 retry)"))
        #expect(inspect.stdout.contains("compensation: succeeded"))
        #expect(inspect.stdout.contains("added  b.txt  +1 -0"))
        #expect(inspect.stdout.contains("resume would start at: nothing: the run has ended (rolled_back)"))
        let json = try fixture.belay(["inspect", "r1", "two", "--workspace", fixture.workspace.path, "--json"])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        let steps = try #require(object["steps"] as? [[String: Any]])
        #expect(steps.first?["retries"] as? Int == 1 && steps.first?["compensation"] as? String == "succeeded")

        // A paused run: inspect says where resume starts.
        let paused = try RunFixture(playbook: playbookText(
            phase("one", steps: tracedStep("a"), tracedStep("b", run: "exit 1"), tracedStep("c"))))
        #expect(try paused.run(["--on-failure", "pause"]).status == 75)
        let where_ = try paused.belay(["inspect", "r1", "one", "--workspace", paused.workspace.path])
        #expect(where_.stdout.contains("resume would start at: one/b, run again (it failed)"))
        #expect(where_.stdout.contains("files changed: unknown"))
    }

    @Test func runsListsEveryRunWithItsStatus() throws {
        let fixture = try Self.rolledBackRun()
        #expect(try fixture.run(id: "r2", ["--only-phase", "one"]).status == 0)
        let runs = try fixture.belay(["runs", "--workspace", fixture.workspace.path])
        let lines = runs.stdout.split(separator: "\n")
        #expect(lines.count == 2)
        #expect(lines[0].hasPrefix("r1  test  rolled_back"))
        #expect(lines[1].hasPrefix("r2  test  completed"))
        let json = try fixture.belay(["runs", "--workspace", fixture.workspace.path, "--json"])
        let list = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]])
        #expect(list.map { $0["status"] as? String } == ["rolled_back", "completed"])
    }

    /// A long run keeps the state its journal folds to in `fold.cache` when it ends. `status` and
    /// `inspect` read it back and say exactly what a whole fold says, and a damaged line of the
    /// journal is still named, cache or not.
    @Test func aLongRunsFoldCacheSaysWhatItsJournalSays() throws {
        let steps = (0..<100).map { "      - { id: s\($0), run: \"true\", compensate: \"true\" }\n" }.joined()
        let phases = (0..<15).map { "  - id: p\($0)\n    steps:\n" + steps }.joined()
        let fixture = try RunFixture(playbook: "name: long\nphases:\n" + phases)
        #expect(try fixture.run().status == 0)
        let cache = fixture.workspace.appendingPathComponent(".belay/runs/r1/fold.cache")
        #expect(FileManager.default.fileExists(atPath: cache.path))

        let ws = ["--workspace", fixture.workspace.path]
        let commands = [["status", "r1", "--json"], ["inspect", "r1", "p7", "--json"]]
        let cached = try commands.map { try fixture.belay($0 + ws) }
        try FileManager.default.removeItem(at: cache)
        // The first of these folds the journal whole and keeps the cache again.
        let whole = try commands.map { try fixture.belay($0 + ws) }
        for (fromCache, folded) in zip(cached, whole) {
            #expect(fromCache.status == 0, "\(fromCache.output)")
            #expect(fromCache.stdout == folded.stdout)
        }
        #expect(cached[0].stdout.contains(#""id": "s99""#))
        #expect(FileManager.default.fileExists(atPath: cache.path))

        // One step's name changed in a line the cache covers: the line no longer matches its checksum.
        let journal = fixture.workspace.appendingPathComponent(".belay/runs/r1/journal.jsonl")
        var lines = try String(contentsOf: journal, encoding: .utf8).split(separator: "\n").map(String.init)
        let index = try #require(lines.indices.dropFirst(lines.count / 2).first { lines[$0].contains(#""step":"s5""#) })
        lines[index] = lines[index].replacingOccurrences(of: #""step":"s5""#, with: #""step":"s6""#)
        try (lines.joined(separator: "\n") + "\n").write(to: journal, atomically: true, encoding: .utf8)
        let damaged = try fixture.belay(["status", "r1"] + ws)
        #expect(damaged.status == 2)
        #expect(damaged.stderr.contains("journal.jsonl is damaged at line \(index + 1)"), "\(damaged.stderr)")
    }
}
