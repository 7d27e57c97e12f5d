import Foundation
import Testing
@testable import Belay

@Suite struct JournalTests {
    /// The streaming fold reads a journal a megabyte at a time: lines cut by a chunk's end, a line
    /// longer than a chunk, a torn tail and a damaged line come out as the whole-file read sees them.
    @Test func theStreamingFoldMatchesTheWholeRead() throws {
        let directory = try TemporaryDirectory()
        let url = directory.file("journal.jsonl")
        let writer = try JournalWriter(url: url, failpoint: nil)
        var started = JournalEvent(event: .runStarted)
        started.run = "r1"
        started.plan = [.init(id: "p", steps: (0..<3000).map { "s\($0)" })]
        try writer.append(started)
        for step in 0..<3000 {
            var event = JournalEvent(event: step % 2 == 0 ? .stepStarted : .stepSucceeded)
            event.phase = "p"
            event.step = "s\(step)"
            event.note = step == 1500 ? String(repeating: "long ", count: 300_000) : "step \(step) ✓"
            try writer.append(event)
        }
        func expectSameFold() throws {
            let whole = try JournalReader.read(url)
            #expect(try JournalReader.fold(url) == RunState.fold(whole.events, ignoredLines: whole.ignoredLines))
        }
        try expectSameFold()
        let handle = try FileHandle(forWritingTo: url)
        handle.seekToEndOfFile()
        handle.write(Data(#"{"seq":3002,"time":"2026-11-21T15:3"#.utf8))
        try handle.close()
        try expectSameFold()
        #expect(try JournalReader.fold(url).ignoredLines == 1)

        var bytes = try Data(contentsOf: url)
        // A step id a few lines before the end, past the first chunk.
        let flipped = try #require(bytes.firstIndex(of: UInt8(ascii: "s"), after: bytes.count - 5000))
        bytes[flipped] = UInt8(ascii: "z")
        try bytes.write(to: url)
        #expect(throws: EngineError.self) { try JournalReader.fold(url) }
        #expect(throws: EngineError.self) { try JournalReader.read(url) }
    }

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

        // The torn write never returned: reopening cuts it off, and the next event takes its place.
        let writer = try JournalWriter(url: url, lastSeq: events.last!.seq, failpoint: nil)
        try writer.append(JournalEvent(event: .runCompleted))
        (events, ignored) = try JournalReader.read(url)
        #expect(events.map(\.event) == [.runStarted, .phaseStarted, .runCompleted])
        #expect(events.last?.seq == 3)
        #expect(ignored == 0)
        #expect(RunState.fold(events).status == .completed)
    }

    @Test func everyLineCarriesAChecksumOfItsOwnBytes() throws {
        let line = JournalChecksum.seal(Array(#"{"seq":1,"time":"t","event":"run_started"}"#.utf8))
        let text = String(decoding: line, as: UTF8.self)
        #expect(text.hasPrefix(#"{"seq":1,"time":"t","event":"run_started","crc":""#))
        #expect(JournalChecksum.verify(line[...]) == .valid)
        #expect(JournalChecksum.verify(Array(#"{"seq":1,"event":"run_started"}"#.utf8)[...]) == .absent)
        // CRC-32C of "123456789" is the standard check value.
        #expect(CRC32C.checksum(Array("123456789".utf8)) == 0xE306_9283)
    }

    @Test func aDamagedLineBeforeAGoodOneIsNamed() throws {
        let good = [
            #"{"seq":1,"time":"t","event":"run_started","run":"r1"}"#,
            #"{"seq":2,"time":"t","event":"phase_started","phase":"p"}"#,
            #"{"seq":3,"time":"t","event":"run_completed"}"#,
        ].map { String(decoding: JournalChecksum.seal(Array($0.utf8)), as: UTF8.self) }
        func lines(_ lines: [String]) -> Data { Data((lines.joined(separator: "\n") + "\n").utf8) }

        // A flipped byte that still parses ("phase":"p" → "phase":"q").
        var flipped = good
        flipped[1] = flipped[1].replacingOccurrences(of: #""p""#, with: #""q""#)
        #expect(throws: JournalReader.Damage(line: 2, damage: .checksumMismatch)) { try JournalReader.decode(lines(flipped)) }
        // A garbage line in the middle.
        #expect(throws: JournalReader.Damage(line: 2, damage: .unreadable)) {
            try JournalReader.decode(lines([good[0], "not json", good[1], good[2]]))
        }
        // A line cut short in the middle whose event is then missing.
        #expect(throws: JournalReader.Damage(line: 2, damage: .unreadable)) {
            try JournalReader.decode(lines([good[0], #"{"seq":2,"time":"t","ev"#, good[2]]))
        }
        // A journal written before checksums, torn by a crash and continued by the earlier writer,
        // which ended the torn line and wrote the same position again: still read.
        let old = [
            #"{"seq":1,"time":"t","event":"run_started","run":"r1"}"#, #"{"seq":2,"time":"t","ev"#,
            #"{"seq":2,"time":"t","event":"run_completed"}"#,
        ]
        let (events, ignored) = try JournalReader.decode(lines(old))
        #expect(events.map(\.seq) == [1, 2])
        #expect(ignored == 1)
        // A torn last line alone is tolerated.
        let torn = try JournalReader.decode(Data((good[0] + "\n" + good[1].dropLast(9)).utf8))
        #expect(torn.events.count == 1 && torn.ignoredLines == 1)
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

extension Data {
    fileprivate func firstIndex(of byte: UInt8, after offset: Int) -> Int? {
        self[(startIndex + offset)...].firstIndex(of: byte)
    }
}
