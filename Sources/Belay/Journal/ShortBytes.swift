/// Up to 16 bytes held as two integers, so comparing them is two compares instead of a call to
/// `memcmp`: how the line parser tells a key, and whether a value repeats the one before it.
///
/// Bytes are loaded as overlapping words (the first and last eight, four, or the first, middle
/// and last byte): together with the count, that names the bytes exactly and reads no byte outside them.
struct ShortBytes: Equatable {
    private(set) var count: Int
    private var head: UInt64
    private var tail: UInt64

    /// The largest count held.
    static let capacity = 16

    /// Nil when `bytes` holds more than `capacity` bytes.
    init?(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard bytes.count <= Self.capacity else { return nil }
        self.init(start: UnsafeRawPointer(bytes.baseAddress), count: bytes.count)
    }

    /// The first `capacity` bytes of `bytes`, whatever its length.
    @inline(__always)
    init(prefixOf bytes: UnsafeBufferPointer<UInt8>) {
        self.init(start: UnsafeRawPointer(bytes.baseAddress), count: Swift.min(bytes.count, Self.capacity))
    }

    /// The `count` bytes at `start`.
    /// - Precondition: `count` is at most `capacity`.
    @inline(__always)
    init(start: UnsafeRawPointer?, count: Int) {
        self.count = count
        guard let start, count > 0 else {
            (head, tail) = (0, 0)
            return
        }
        switch count {
        case 8...:
            head = start.loadUnaligned(as: UInt64.self)
            tail = start.loadUnaligned(fromByteOffset: count - 8, as: UInt64.self)
        case 4...:
            head = UInt64(start.loadUnaligned(as: UInt32.self))
            tail = UInt64(start.loadUnaligned(fromByteOffset: count - 4, as: UInt32.self))
        default:
            let bytes = start.assumingMemoryBound(to: UInt8.self)
            head = UInt64(bytes[0]) | UInt64(bytes[count / 2]) << 8
            tail = UInt64(bytes[count - 1])
        }
    }
}

extension ShortBytes {
    /// A mix of the bytes for a table's hash (the count is in it: `head` and `tail` overlap).
    fileprivate var mixed: UInt64 { head &* 0x9E37_79B9_7F4A_7C15 ^ tail ^ UInt64(truncatingIfNeeded: count) }

    /// A fixed set of words (a journal's keys, its event kinds), each found from its bytes by one
    /// hash, one slot and one compare. The multiplier is chosen when the table is made, so that no
    /// two words share a slot.
    struct Table: Sendable {
        /// What a slot holds: a word's first bytes, its length and position, or `index` -1.
        private struct Slot {
            var prefix = ShortBytes(prefixOf: UnsafeBufferPointer(start: nil, count: 0))
            var count = 0
            var index = -1
        }

        private let words: [[UInt8]]
        private let slots: [Slot]
        private let multiplier: UInt64
        private let shift: UInt64

        /// - Precondition: the words are distinct.
        init(_ words: [[UInt8]]) {
            self.words = words
            let prefixes = words.map { word in word.withUnsafeBufferPointer { ShortBytes(prefixOf: $0) } }
            var bits: UInt64 = 1
            while 1 << bits < words.count * 8 { bits += 1 }
            shift = 64 - bits
            var multiplier: UInt64 = 0x2545_F491_4F6C_DD1D
            var slots: [Slot]
            var filled: Int
            repeat {
                multiplier = multiplier &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407 | 1
                slots = Array(repeating: Slot(), count: 1 << bits)
                filled = 0
                for (index, prefix) in prefixes.enumerated() {
                    let slot = Int((prefix.mixed &* multiplier) >> shift)
                    if slots[slot].index >= 0 { break }
                    slots[slot] = Slot(prefix: prefix, count: words[index].count, index: index)
                    filled += 1
                }
            } while filled != words.count
            self.slots = slots
            self.multiplier = multiplier
        }

        /// The position of the word `bytes` spells, or nil.
        func index(of bytes: UnsafeBufferPointer<UInt8>) -> Int? {
            let prefix = ShortBytes(prefixOf: bytes)
            let slot = slots[Int((prefix.mixed &* multiplier) >> shift)]
            guard slot.count == bytes.count, slot.prefix == prefix else { return nil }
            if bytes.count <= ShortBytes.capacity { return slot.index }
            return words[slot.index].withUnsafeBufferPointer { $0.elementsEqual(bytes) } ? slot.index : nil
        }
    }
}
