import Foundation

/// `.belay/runs/<run>/fold.cache`: the state a long journal folds to, so that the next `status`,
/// `inspect` or `resume` of a long run reads it back rather than folding every event again.
///
/// A cache, never a record. It names the journal bytes it was folded from by their count and
/// CRC-32C, and a reader checks both against the journal before it trusts the state (reading the
/// bytes costs a small part of folding them), then folds only the lines after them. A cache from
/// another build of Belay, a damaged cache, or a journal whose first bytes changed (edited, cut,
/// replaced) is ignored, and the journal is folded whole, each line checked as always.
///
/// Only journals of at least `minimumBytes` get one: a short journal folds faster than a cache
/// is read and checked.
enum FoldCache {
    /// 1 MiB, about 5,000 events.
    static let minimumBytes = 1 << 20

    /// The journal bytes a state was folded from and what the reader had counted at their end
    /// (the lines tolerated as torn are the state's `ignoredLines`).
    struct Entry {
        /// The bytes folded, always whole lines, and their CRC-32C.
        var journalBytes: Int
        var journalCRC: UInt32
        var lines: Int
        /// The `seq` of the last line read, which the next line's torn-line check compares with.
        var lastSeq: Int
        var state: RunState
    }

    /// The cache at `url`, or nil when it is missing or cannot be trusted.
    static func read(_ url: URL) -> Entry? {
        guard let data = FileManager.default.contents(atPath: url.path), data.count > 4 else { return nil }
        let body = [UInt8](data.dropLast(4))
        let stored = data.suffix(4).reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
        guard checksum(body) == stored else { return nil }
        var coder = StateCoder(reading: body)
        var entry = Entry(journalBytes: 0, journalCRC: 0, lines: 0, lastSeq: 0, state: RunState())
        var writer = ""
        coder.code(&writer)
        guard !coder.failed, writer == build else { return nil }
        entry.code(&coder)
        guard !coder.failed, coder.isAtEnd else { return nil }
        return entry
    }

    /// Stores `entry` at `url`, replacing the file whole. A cache that cannot be written is only
    /// a fold that is not saved: the error is dropped.
    static func write(_ entry: Entry, to url: URL) {
        var coder = StateCoder()
        var writer = build
        coder.code(&writer)
        var entry = entry
        entry.code(&coder)
        var bytes = coder.bytes
        let crc = checksum(bytes)
        bytes += [UInt8(crc >> 24), UInt8(crc >> 16 & 0xFF), UInt8(crc >> 8 & 0xFF), UInt8(crc & 0xFF)]
        try? PrivateFiles.write(Data(bytes), to: url)
    }

    /// CRC-32C of `bytes`, by the processor's instruction where it has one.
    private static func checksum(_ bytes: [UInt8]) -> UInt32 {
        bytes.withUnsafeBufferPointer { CRC32C.finish(CRC32C.update(CRC32C.initial, $0)) }
    }

    /// The build that writes and reads caches: the version, the cache's layout, and the size and
    /// time of the program itself, so that a rebuilt Belay (whose fold or state may differ) never
    /// trusts a state an older one folded.
    static let build: String = {
        var text = "belay \(BelayVersion.current) fold-cache 1"
        var info = stat()
        if stat("/proc/self/exe", &info) == 0 {
            text += " \(info.st_size) \(info.st_mtim.tv_sec).\(info.st_mtim.tv_nsec)"
        }
        return text
    }()
}

extension FoldCache.Entry {
    mutating func code(_ coder: inout StateCoder) {
        coder.code(&journalBytes)
        var crc = Int64(journalCRC)
        coder.code(&crc)
        journalCRC = UInt32(truncatingIfNeeded: crc)
        coder.code(&lines)
        coder.code(&lastSeq)
        coder.code(&state)
    }
}
