#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads a text file line by line in fixed-size chunks, so a large tracefile never sits in memory.
enum LineReader {
    struct ReadError: Error, CustomStringConvertible {
        var description: String
    }

    static func forEachLine(inFile path: String, chunkSize: Int = 1 << 20, _ body: (Substring) throws -> Void) throws {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw ReadError(description: "cannot open: \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        let buffer = UnsafeMutablePointer<UInt8>.allocate(capacity: chunkSize)
        defer { buffer.deallocate() }
        var pending: [UInt8] = []
        while true {
            let got = read(fd, buffer, chunkSize)
            if got < 0 {
                if errno == EINTR { continue }
                throw ReadError(description: "cannot read: \(String(cString: strerror(errno)))")
            }
            if got == 0 { break }
            var start = 0
            for i in 0..<got where buffer[i] == 0x0A {
                pending.append(contentsOf: UnsafeBufferPointer(start: buffer + start, count: i - start))
                try body(Substring(String(decoding: pending, as: UTF8.self)))
                pending.removeAll(keepingCapacity: true)
                start = i + 1
            }
            pending.append(contentsOf: UnsafeBufferPointer(start: buffer + start, count: got - start))
            if pending.count > 16 << 20 { throw ReadError(description: "a line is longer than 16 MiB") }
        }
        if !pending.isEmpty { try body(Substring(String(decoding: pending, as: UTF8.self))) }
    }
}
