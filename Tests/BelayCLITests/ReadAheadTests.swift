import Belay
@testable import BelayCLI
import Foundation
import Testing

/// `log` reads the journal on a thread of its own, a few batches ahead: every event arrives, in
/// order, whatever the batch boundaries, and a read that fails still hands over what it read first.
@Suite struct ReadAheadTests {
    /// Events numbered 1...count, then a failure when `failing`.
    struct Numbered: RunEventSource, Sendable {
        let count: Int
        var failing = false

        func forEachEvent(_ body: (consuming JournalEvent) -> Void) throws(EngineError) {
            for seq in stride(from: 1, through: count, by: 1) { body(JournalEvent(seq: seq, event: .warning)) }
            if failing { throw EngineError(.journal, .io(.journal, path: "journal.jsonl", reason: "cut short")) }
        }
    }

    @Test(arguments: [0, 1, 6, 7, 8, 9, 100])
    func everyEventArrivesInOrder(count: Int) throws {
        var seen: [Int] = []
        try ReadAhead(source: Numbered(count: count), batchSize: 4, depth: 2).forEachEvent { seen.append($0.seq) }
        #expect(seen == Array(0..<count).map { $0 + 1 })
    }

    @Test func aFailedReadHandsOverWhatItReadThenTheError() {
        var seen: [Int] = []
        #expect(throws: EngineError.self) {
            try ReadAhead(source: Numbered(count: 10, failing: true), batchSize: 4, depth: 2).forEachEvent { seen.append($0.seq) }
        }
        #expect(seen == Array(1...10))
    }
}
