/// An Aho–Corasick automaton over bytes for a set of secret values, built once per run: one pass
/// over any input finds every occurrence of every secret, in time linear in the input whatever the
/// number of secrets (the transition table is complete, so each byte costs one lookup).
final class SecretAutomaton: Sendable {
    /// `next[state * 256 + byte]`: the state after reading `byte`.
    private let next: [Int32]
    /// The length of the longest secret that ends in each state (0: none).
    private let longest: [Int32]
    /// The length of the longest secret: how far back a match that is not complete yet may start.
    let longestSecret: Int

    init(secrets: [[UInt8]]) {
        var goto: [[Int32]] = [Array(repeating: -1, count: 256)]
        var ends: [Int32] = [0]
        for secret in secrets where !secret.isEmpty {
            var state = 0
            for byte in secret {
                if goto[state][Int(byte)] < 0 {
                    goto[state][Int(byte)] = Int32(goto.count)
                    goto.append(Array(repeating: -1, count: 256))
                    ends.append(0)
                }
                state = Int(goto[state][Int(byte)])
            }
            ends[state] = max(ends[state], Int32(secret.count))
        }
        // Breadth first: complete the table with failure transitions, and let each state inherit
        // the longest secret that ends in its failure state (a suffix of what it has read).
        var failure = Array(repeating: Int32(0), count: goto.count)
        var queue: [Int] = []
        for byte in 0..<256 {
            let child = goto[0][byte]
            if child < 0 { goto[0][byte] = 0 } else { queue.append(Int(child)) }
        }
        var head = 0
        while head < queue.count {
            let state = queue[head]
            head += 1
            ends[state] = max(ends[state], ends[Int(failure[state])])
            for byte in 0..<256 {
                let child = goto[state][byte]
                let fallback = goto[Int(failure[state])][byte]
                if child < 0 {
                    goto[state][byte] = fallback
                } else {
                    failure[Int(child)] = fallback
                    queue.append(Int(child))
                }
            }
        }
        next = goto.flatMap { $0 }
        longest = ends
        longestSecret = secrets.map(\.count).max() ?? 0
    }

    @inline(__always) func step(_ state: Int32, _ byte: UInt8) -> Int32 { next[Int(state) &* 256 &+ Int(byte)] }

    /// The length of the longest secret ending right after the byte that led to `state`.
    @inline(__always) func match(in state: Int32) -> Int { Int(longest[Int(state)]) }
}

/// Masks a stream of bytes piece by piece, as a step's output arrives: every byte of every
/// occurrence of a secret is replaced, and a run of overlapping or touching occurrences becomes one
/// `***`. At most the length of the longest secret is held back between pieces, so a secret split
/// across two reads is still masked, and memory stays bounded whatever the input (one 40 MB line
/// with no newline included).
struct MaskingStream {
    private let automaton: SecretAutomaton
    private let mask: [UInt8]
    private var state: Int32 = 0
    /// Bytes read but not written yet, from absolute position `bufferStart`.
    private var buffer: [UInt8] = []
    private var bufferStart = 0
    /// Bytes read so far.
    private var position = 0
    /// Everything before this absolute position is written (or masked).
    private var emitted = 0
    /// Covered ranges not written yet, disjoint and in order; `head` is the first live one.
    private var ranges: [(start: Int, end: Int, announced: Bool)] = []
    private var head = 0

    init(automaton: SecretAutomaton, mask: String) {
        self.automaton = automaton
        self.mask = Array(mask.utf8)
    }

    /// Reads `bytes`; returns what can be written now.
    mutating func feed(_ bytes: UnsafeRawBufferPointer) -> [UInt8] {
        buffer.append(contentsOf: bytes)
        for byte in bytes {
            state = automaton.step(state, byte)
            let length = automaton.match(in: state)
            if length > 0 { cover(start: position - length + 1, end: position) }
            position += 1
        }
        // A match not complete yet starts at most `longestSecret - 1` bytes back.
        return drain(upTo: position - max(0, automaton.longestSecret - 1))
    }

    /// Everything left, at the end of the stream.
    mutating func finish() -> [UInt8] { drain(upTo: position) }

    private mutating func cover(start: Int, end: Int) {
        var start = start, end = end, announced = false
        // Ranges are in order of end; a new one swallows every live range it overlaps or touches.
        while ranges.count > head, let last = ranges.last, last.end + 1 >= start {
            start = min(start, last.start)
            end = max(end, last.end)
            announced = announced || last.announced
            ranges.removeLast()
        }
        ranges.append((start, end, announced))
    }

    private mutating func drain(upTo safe: Int) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(max(0, safe - emitted))
        while emitted < safe {
            guard head < ranges.count, ranges[head].start < safe else {
                out.append(contentsOf: buffer[(emitted - bufferStart)..<(safe - bufferStart)])
                emitted = safe
                break
            }
            let range = ranges[head]
            if emitted < range.start {
                out.append(contentsOf: buffer[(emitted - bufferStart)..<(range.start - bufferStart)])
                emitted = range.start
            }
            if !range.announced {
                out.append(contentsOf: mask)
                ranges[head].announced = true
            }
            emitted = max(emitted, min(range.end + 1, safe))
            guard range.end < safe else { break }
            head += 1
        }
        if head > 64 && head * 2 > ranges.count {
            ranges.removeFirst(head)
            head = 0
        }
        let consumed = emitted - bufferStart
        if consumed > 0 {
            buffer.removeFirst(consumed)
            bufferStart = emitted
        }
        return out
    }
}
