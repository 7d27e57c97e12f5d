import Belay
import Foundation

/// A source's events, read on a thread of their own a few batches ahead of the one who uses them:
/// telling a long run's story then takes two cores, one parsing the journal and one telling it,
/// where one core did both in turn. Memory stays bounded: at most `depth` batches wait.
struct ReadAhead<Source: RunEventSource & Sendable>: RunEventSource {
    let source: Source
    var batchSize = 512
    var depth = 4

    func forEachEvent(_ body: (consuming JournalEvent) -> Void) throws(EngineError) {
        let channel = BatchChannel(depth: depth)
        let reader = Thread { [source, batchSize] in
            var batch = EventBatch(capacity: batchSize)
            do throws(EngineError) {
                try source.forEachEvent { event in
                    batch.append(event)
                    guard batch.isFull else { return }
                    channel.put(batch)
                    batch = EventBatch(capacity: batchSize)
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
            while let event = batch.next() { body(event) }
        }
        if let error = channel.error { throw error }
    }
}

/// Batches of events handed from the thread that reads them to the one that uses them.
private final class BatchChannel: @unchecked Sendable {
    private let condition = NSCondition()
    private var batches: [EventBatch] = []
    private var finished = false
    private let depth: Int
    /// Why the reader stopped early, once it has finished.
    private(set) var error: EngineError?

    init(depth: Int) { self.depth = depth }

    /// Hands a batch over, waiting while `depth` batches are waiting already.
    func put(_ batch: EventBatch) {
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
    func take() -> EventBatch? {
        condition.lock()
        defer { condition.unlock() }
        while batches.isEmpty && !finished { condition.wait() }
        guard !batches.isEmpty else { return nil }
        let batch = batches.removeFirst()
        condition.broadcast()
        return batch
    }
}

/// Up to `capacity` events, each handed out once and moved, not copied: lent from an array, every
/// event was copied whole (dozens of fields) before it was used, then destroyed twice over.
private final class EventBatch: @unchecked Sendable {
    private let events: UnsafeMutablePointer<JournalEvent>
    private let capacity: Int
    private var count = 0
    private var taken = 0

    init(capacity: Int) {
        self.capacity = max(capacity, 1)
        events = .allocate(capacity: self.capacity)
    }

    var isFull: Bool { count == capacity }

    func append(_ event: consuming JournalEvent) {
        precondition(count < capacity, "EventBatch is full")
        (events + count).initialize(to: event)
        count += 1
    }

    /// The next event not handed out yet, moved out of the batch.
    func next() -> JournalEvent? {
        guard taken < count else { return nil }
        defer { taken += 1 }
        return (events + taken).move()
    }

    deinit {
        (events + taken).deinitialize(count: count - taken)
        events.deallocate()
    }
}
