import Foundation
import Testing
@testable import Belay

@Suite struct JournalTests {
    @Test func appendsNumberedLinesThatReadBack() throws {
        let directory = try TemporaryDirectory()
        let url = directory.file("journal.jsonl")
        let writer = try JournalWriter(url: url, failpoint: nil)
        var started = JournalEvent(event: .runStarted)
        started.run = "r1"
        try writer.append(started)
        var finished = JournalEvent(event: .attemptFinished)
        finished.outputs = ["quote": "a \"b\" \\ c\nd"]
        finished.exitCode = 3
        try writer.append(finished)
        let (events, ignored) = try JournalReader.read(url)
        #expect(ignored == 0)
        #expect(events.map(\.seq) == [1, 2])
        #expect(events.map(\.event) == [.runStarted, .attemptFinished])
        #expect(events[1].outputs == ["quote": "a \"b\" \\ c\nd"])
        #expect(events[1].exitCode == 3)
        let text = try String(contentsOf: url, encoding: .utf8)
        #expect(text.hasPrefix("{\"seq\":1,\"time\":\""))
        #expect(text.split(separator: "\n").count == 2)
    }

    @Test func aTornLastLineIsIgnoredAndTheNextAppendStartsFresh() throws {
        let directory = try TemporaryDirectory()
        let url = directory.file("journal.jsonl")
        do {
            let writer = try JournalWriter(url: url, failpoint: nil)
            try writer.append(JournalEvent(event: .runStarted))
            try writer.append(JournalEvent(event: .phaseStarted))
        }
        // A crash in the middle of writing the third line.
        let handle = try FileHandle(forWritingTo: url)
        handle.seekToEndOfFile()
        handle.write(Data("{\"seq\":3,\"time\":\"2026-11-21T15:3".utf8))
        try handle.close()
        var (events, ignored) = try JournalReader.read(url)
        #expect(events.count == 2)
        #expect(ignored == 1)

        let writer = try JournalWriter(url: url, lastSeq: events.last!.seq, failpoint: nil)
        try writer.append(JournalEvent(event: .runCompleted))
        (events, ignored) = try JournalReader.read(url)
        #expect(events.map(\.event) == [.runStarted, .phaseStarted, .runCompleted])
        #expect(events.last?.seq == 3)
        #expect(ignored == 1)
        #expect(RunState.fold(events).status == .completed)
    }

    @Test func clockRoundTrips() throws {
        let date = Date(timeIntervalSince1970: 1_795_000_000.123)
        let text = JournalClock.format(date)
        #expect(text.hasSuffix(".123Z"))
        let parsed = try #require(JournalClock.parse(text))
        #expect(abs(parsed.timeIntervalSince(date)) < 0.002)
    }

    @Test func masksSecretsLongestFirst() {
        let masker = SecretMasker(values: ["hunter2", "hunter2-extended", ""])
        #expect(masker.mask("pw=hunter2-extended and hunter2") == "pw=*** and ***")
        #expect(masker.mask("nothing here") == "nothing here")
        #expect(SecretMasker(values: [""]).isEmpty)
    }

    @Test func masksEachLineOfAMultiLineSecret() {
        let key = "-----BEGIN KEY-----\r\nMIIEabc123\r\n}\n-----END KEY-----"
        let masker = SecretMasker(values: [key])
        #expect(masker.mask("whole: \(key)") == "whole: ***")
        #expect(masker.mask("line: MIIEabc123") == "line: ***")
        #expect(masker.mask("brace } stays") == "brace } stays")
    }

    @Test func runIDsSortAndAreValid() {
        let first = RunID.make(at: Date(timeIntervalSince1970: 1_795_000_000))
        let second = RunID.make(at: Date(timeIntervalSince1970: 1_795_000_061))
        #expect(first < second)
        #expect(RunID.isValid(first))
        #expect(first.count == "20261121-153012-a3f9".count)
        #expect(!RunID.isValid("../etc"))
        #expect(!RunID.isValid("a b"))
    }
}
