import BelaySupport
import Foundation

/// The last lines of a log file, read from its end through a fixed buffer, so showing the tail of a
/// log of any size (or of one endless line) costs the same memory. Each line is escaped and cut at
/// `PrintableText.maxLineWidth` characters.
enum LogTail {
    /// nil when the file cannot be read; empty when it holds no line.
    static func lines(of path: String, count: Int) -> [String]? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { return nil }
        var ranges: [Range<Int>] = []
        // Trailing newlines end lines; they do not start empty ones worth showing.
        func found(_ line: Range<Int>) {
            if !(ranges.isEmpty && line.isEmpty) { ranges.append(line) }
        }
        var lineEnd = Int(info.st_size)
        var position = lineEnd
        let chunkSize = 64 * 1024
        scan: while position > 0 {
            let start = max(0, position - chunkSize)
            guard let chunk = read(fd, at: start, count: position - start) else { return nil }
            for index in chunk.indices.reversed() where chunk[index] == UInt8(ascii: "\n") {
                found((start + index + 1)..<lineEnd)
                lineEnd = start + index
                if ranges.count == count { break scan }
            }
            position = start
        }
        if position == 0 && ranges.count < count { found(0..<lineEnd) }
        let widest = PrintableText.maxLineWidth * 4 + 4  // a character is at most 4 bytes
        return ranges.reversed().map { range in
            let shown = min(range.count, widest)
            let bytes = read(fd, at: range.lowerBound, count: shown) ?? []
            return PrintableText.line(String(decoding: bytes, as: UTF8.self), omitted: range.count - shown)
        }
    }

    private static func read(_ fd: Int32, at offset: Int, count: Int) -> [UInt8]? {
        var bytes = [UInt8](repeating: 0, count: count)
        var total = 0
        while total < count {
            let got = bytes.withUnsafeMutableBytes { pread(fd, $0.baseAddress! + total, count - total, off_t(offset + total)) }
            if got < 0 && errno == EINTR { continue }
            if got < 0 { return nil }
            if got == 0 { break }
            total += got
        }
        return Array(bytes[..<total])
    }
}
