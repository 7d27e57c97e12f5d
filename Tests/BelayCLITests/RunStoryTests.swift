import Belay
@testable import BelayCLI
import Foundation
import Testing

/// `belay log`'s story, told from one read of the journal when it fits what may be held, and from
/// two reads when it does not: the same text either way.
@Suite struct RunStoryTests {
    /// The events of a recorded run, as a journal would give them, counting the reads.
    final class Journal: RunEventSource {
        let events: [JournalEvent]
        var reads = 0
        init(_ events: [JournalEvent]) { self.events = events }
        func forEachEvent(_ body: (consuming JournalEvent) -> Void) throws(EngineError) {
            reads += 1
            for event in events { body(event) }
        }
    }

    private func told(_ journal: Journal, heldLimit: Int) throws -> [String] {
        var text = ""
        try RunStory.tell(
            runID: "r1", workspace: URL(fileURLWithPath: "/srv/site"), from: journal, heldLimit: heldLimit
        ) { bytes in
            let chunk = String(decoding: bytes, as: UTF8.self)
            #expect(chunk.isEmpty || chunk.hasSuffix("\n"), "a chunk of whole lines: \(chunk)")
            text += chunk
        }
        #expect(text.hasSuffix("\n"))
        return text.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init)
    }

    @Test func aStoryThatFitsIsToldFromOneReadAndALongerOneFromTwoTheSame() throws {
        let once = Journal(RunEvents.compensatedRun)
        let held = try told(once, heldLimit: RunStory.heldLimit)
        #expect(once.reads == 1)
        let twice = Journal(RunEvents.compensatedRun)
        let reread = try told(twice, heldLimit: 100)
        #expect(twice.reads == 2)
        #expect(held == reread)
        // The header tells the state after the last event, before the story.
        #expect(held.first?.hasPrefix("Run r1 · playbook deploy · compensated") == true, "\(held)")
        #expect(held.contains { $0.contains("✗ two/b failed") }, "\(held)")
        #expect(held.last?.isEmpty == false)
    }

    /// A run with retries, exit codes, outputs, a named phase, a new day and a rollback: the
    /// lines `log` tells (written piece by piece for the common events) are the lines its
    /// `--json` and `--follow` tell, event for event.
    @Test func theToldStoryIsTheStoryOfItsLines() throws {
        let day2 = "2026-11-23T08:00:00.000Z"
        var events = RunEvents.compensatedRun.dropLast(2).map { $0 }
        events += [
            RunEvents.step(.attemptFinished, "two", "b") { $0.action = .run; $0.attempt = 1; $0.exitCode = 3; $0.error = "exit code 3" },
            RunEvents.step(.attemptStarted, "two", "b") { $0.action = .run; $0.attempt = 2 },
            RunEvents.step(.attemptFinished, "two", "b") { $0.action = .run; $0.attempt = 2; $0.exitCode = 0 },
            RunEvents.step(.stepSucceeded, "two", "b", ms: 1_500) {
                $0.note = "warm cache"
                $0.outputs = ["version": "1.4.2", "host": "db1"]
                $0.time = day2
            },
            RunEvents.event(.rollbackStarted) { $0.point = "start"; $0.time = day2 },
            RunEvents.event(.runRolledBack) { $0.point = "start"; $0.time = day2 },
        ]
        let story = RunStory(runID: "r1", workspace: URL(fileURLWithPath: "/srv/site"), state: RunEvents.state(events), events: events)
        var day = StoryDay()
        let expected = story.header() + story.timeline(story.lines(), day: &day) + story.footer()
        let told = try told(Journal(events), heldLimit: RunStory.heldLimit)
        #expect(told == expected.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init))
        #expect(told.contains { $0.hasSuffix("✓ two/b succeeded in 1.5s after 2 attempts, exit code 0 (warm cache); outputs: host=db1 version=1.4.2") },
                "\(told)")
        #expect(told.contains("2026-11-23 (UTC)"), "\(told)")
        #expect(told.contains { $0.hasSuffix("    run attempt 2 of two/b started") }, "\(told)")
    }

    /// Steps in parallel and retried: a success tells its own step's last code, never a stale one.
    @Test func aSuccessTellsItsStepsLastExitCodeWhateverTheOrder() {
        var codes = ExitCodes()
        let a = RunState.StepKey(phase: "p", step: "a"), b = RunState.StepKey(phase: "p", step: "b")
        let c = RunState.StepKey(phase: "q", step: "c")
        codes.record(1, for: a)  // a's first attempt fails
        codes.record(0, for: b)  // b, beside it
        codes.record(0, for: a)  // a's retry
        #expect(codes.take(b) == 0)
        #expect(codes.take(a) == 0)
        #expect(codes.take(a) == nil)
        codes.record(3, for: c)
        codes.record(4, for: a)
        codes.record(5, for: c)
        #expect(codes.take(c) == 5)
        #expect(codes.take(a) == 4)
        #expect(codes.take(c) == nil)
    }
}
