import Foundation
import Testing

/// A damaged journal is never acted on: every command that reads the run names the file and the
/// line, runs nothing and exits 2 (docs/state.md, "What Belay checks").
@Suite struct TrustJournalTests {
    /// A run paused after phase one: `rollback --to start` would compensate a and b.
    private func pausedRun() throws -> RunFixture {
        let fixture = try RunFixture(playbook: playbookText(
            phase("one", steps: tracedStep("a"), tracedStep("b")), phase("two", steps: tracedStep("c"))))
        #expect(try fixture.run(["--stop-after-phase", "one"]).status == 75)
        return fixture
    }

    private func journalURL(_ fixture: RunFixture) -> URL {
        fixture.workspace.appendingPathComponent(".belay/runs/r1/journal.jsonl")
    }

    /// Every command that folds the journal refuses it; nothing runs.
    private func expectRefused(_ fixture: RunFixture, line: Int, saying words: String) throws {
        let ws = ["--workspace", fixture.workspace.path]
        let before = fixture.traced
        for arguments in [["rollback", "r1", "--to", "start"], ["resume", "r1"], ["status", "r1"], ["log", "r1"],
                          ["rollback", "r1", "--to", "start", "--dry-run"]] {
            let result = try fixture.belay(arguments + ws)
            #expect(result.status == 2, "\(arguments): \(result.output)")
            #expect(result.stderr.contains("journal.jsonl is damaged at line \(line)"), "\(arguments): \(result.stderr)")
            #expect(result.stderr.contains(words), "\(arguments): \(result.stderr)")
            #expect(result.stderr.contains("Nothing was run"), "\(arguments): \(result.stderr)")
        }
        #expect(fixture.traced == before)
    }

    @Test func aFlippedByteThatStillParsesIsCaughtByTheChecksum() throws {
        let fixture = try pausedRun()
        var lines = try String(contentsOf: journalURL(fixture), encoding: .utf8).split(separator: "\n").map(String.init)
        let index = try #require(lines.firstIndex { $0.contains(#""event":"step_started""#) && $0.contains(#""step":"b""#) })
        // One byte: step b becomes step c, which still parses and names a real step.
        lines[index] = lines[index].replacingOccurrences(of: #""step":"b""#, with: #""step":"c""#)
        try (lines.joined(separator: "\n") + "\n").write(to: journalURL(fixture), atomically: true, encoding: .utf8)
        try expectRefused(fixture, line: index + 1, saying: "do not match the checksum")
    }

    @Test func aGarbageLineInTheMiddleIsNamed() throws {
        let fixture = try pausedRun()
        var lines = try String(contentsOf: journalURL(fixture), encoding: .utf8).split(separator: "\n").map(String.init)
        lines.insert("this is not an event", at: 3)
        try (lines.joined(separator: "\n") + "\n").write(to: journalURL(fixture), atomically: true, encoding: .utf8)
        try expectRefused(fixture, line: 4, saying: "it is not a journal event")
    }

    @Test func aTornLastLineIsStillTolerated() throws {
        let fixture = try pausedRun()
        let handle = try FileHandle(forWritingTo: journalURL(fixture))
        handle.seekToEndOfFile()
        handle.write(Data(#"{"seq":99,"time":"2026-"#.utf8))
        try handle.close()
        let resumed = try fixture.belay(["resume", "r1", "--workspace", fixture.workspace.path])
        #expect(resumed.status == 0, "\(resumed.output)")
        #expect(fixture.traced.last == "c:run")
        let text = try String(contentsOf: journalURL(fixture), encoding: .utf8)
        #expect(!text.contains(#""seq":99"#))
        #expect(text.split(separator: "\n").allSatisfy { $0.contains(#","crc":""#) })
    }
}
