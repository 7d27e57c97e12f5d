import Belay
import Foundation

/// A source's events, read on a thread of their own a few batches ahead of the one who uses them:
/// telling a long run's story then takes two cores, one parsing the journal and one telling it,
/// where one core did both in turn. Memory stays bounded: at most `depth` batches wait.
struct ReadAhead<Source: RunEventSource & Sendable>: RunEventSource {
    let source: Source
    var batchSize = 512
    var depth = 4

    func forEachEvent(_ body: (borrowing JournalEvent) -> Void) throws(EngineError) {
        let channel = BatchChannel(depth: depth)
        let reader = Thread { [source, batchSize] in
            var batch: [JournalEvent] = []
            batch.reserveCapacity(batchSize)
            do throws(EngineError) {
                try source.forEachEvent { event in
                    batch.append(copy event)
                    guard batch.count == batchSize else { return }
                    channel.put(batch)
                    batch = []
                    batch.reserveCapacity(batchSize)
                }
                channel.put(batch)
                channel.finish(nil)
            } catch {
                channel.put(batch)
                channel.finish(error)
            }
        }
        reader.start()
        while let batch = channel.take() {
            for index in batch.indices { body(batch[index]) }
        }
        if let error = channel.error { throw error }
    }
}

/// Batches of events handed from the thread that reads them to the one that uses them.
private final class BatchChannel: @unchecked Sendable {
    private let condition = NSCondition()
    private var batches: [[JournalEvent]] = []
    private var finished = false
    private let depth: Int
    /// Why the reader stopped early, once it has finished.
    private(set) var error: EngineError?

    init(depth: Int) { self.depth = depth }

    /// Hands a batch over, waiting while `depth` batches are waiting already.
    func put(_ batch: [JournalEvent]) {
        condition.lock()
        defer { condition.unlock() }
        while batches.count >= depth { condition.wait() }
        batches.append(batch)
        condition.broadcast()
    }

    func finish(_ error: EngineError?) {
        condition.lock()
        defer { condition.unlock() }
        self.error = error
        finished = true
        condition.broadcast()
    }

    /// The next batch, waiting for it; nil once the reader has finished and every batch was taken.
    func take() -> [JournalEvent]? {
        condition.lock()
        defer { condition.unlock() }
        while batches.isEmpty && !finished { condition.wait() }
        guard !batches.isEmpty else { return nil }
        let batch = batches.removeFirst()
        condition.broadcast()
        return batch
    }
}
