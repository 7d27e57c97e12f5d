import Foundation
import Testing
@testable import Belay

/// A run's summary is read back by hand, exactly as `JSONDecoder` reads it, and refused when it
/// does not read whole (the run is then folded again from its journal).
@Suite struct RunSummariesTests {
    static func summary() -> RunSummaries.Summary {
        var state = RunState()
        state.status = .waitingApproval
        state.playbook = "deploy \"blue/green\" ✓"
        state.environment = "prod"
        state.vars = ["version": "1.4.2", "target": "eu\\west"]
        state.shownVars = ["version", "target"]
        state.startedTime = "2026-11-29T00:00:00.000Z"
        state.updatedTime = "2026-11-29T00:00:01.250Z"
        state.startedBy = "ana"
        state.lastSeq = 412
        return RunSummaries.Summary(state: state, journalBytes: 90_210)
    }

    @Test func aStoredSummaryReadsAsTheDecoderReadsIt() throws {
        for summary in [Self.summary(), RunSummaries.Summary(state: RunState(), journalBytes: 0)] {
            let data = try JSONEncoder().encode(summary)
            let direct = try #require(RunSummaries.Summary(stored: data))
            #expect(direct == summary)
            #expect(direct == (try JSONDecoder().decode(RunSummaries.Summary.self, from: data)))
        }
    }

    @Test func aSummaryThatDoesNotReadWholeIsRefused() throws {
        let data = try JSONEncoder().encode(Self.summary())
        let text = String(decoding: data, as: UTF8.self)
        for broken in [
            String(text.dropLast()), text + "x", text.replacingOccurrences(of: #""events":412"#, with: #""events":"412""#),
            text.replacingOccurrences(of: #""status""#, with: #""state""#), "", "[]", "{}",
        ] {
            #expect(RunSummaries.Summary(stored: Data(broken.utf8)) == nil, "\(broken)")
        }
    }

    /// A summary goes stale when its journal grows, and is folded again.
    @Test func aSummaryFollowsItsJournal() throws {
        let directory = try TemporaryDirectory()
        let journal = LocalRunJournal(workspace: directory.url)
        var started = JournalEvent(event: .runStarted)
        started.run = "r1"
        started.playbook = "first"
        let appender = try journal.appender(run: "r1", creating: true, lastSeq: 0)
        try appender.append([started])
        let summaries = RunSummaries(workspace: directory.url)
        #expect(summaries.summary(of: "r1")?.status == .running)
        try appender.append([JournalEvent(event: .runCompleted)])
        #expect(summaries.summary(of: "r1")?.status == .completed)
        #expect(summaries.summary(of: "r1")?.events == 2)
        #expect(summaries.summary(of: "missing") == nil)
    }
}
