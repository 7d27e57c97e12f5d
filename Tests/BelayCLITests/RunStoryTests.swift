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
        ) { chunk in
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
}
