#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Entry points of the streaming XML reader: a file read in chunks, or bytes in memory.
public enum XMLStream {
    /// Streams the file at `path` into `handler`, reading `limits.chunkSize` bytes at a time.
    /// An `XMLError` thrown from here carries the line and column of the problem.
    public static func parse<H: XMLEventHandler>(
        file path: String, into handler: inout H, limits: XMLLimits = .default
    ) throws {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else {
            throw XMLError(.io, "cannot open \(path): \(String(cString: strerror(errno)))", offset: 0)
        }
        defer { close(fd) }
        var tokenizer = XMLTokenizer(limits: limits)
        do {
            try tokenizer.run(&handler) { destination, count in
                while true {
                    let got = read(fd, destination, count)
                    if got >= 0 { return got }
                    if errno == EINTR { continue }
                    throw XMLError(.io, "cannot read \(path): \(String(cString: strerror(errno)))", offset: 0)
                }
            }
        } catch var error as XMLError {
            if error.line == nil, error.code != .io, let (line, column) = lineColumn(ofOffset: error.offset, inFile: path) {
                error.line = line
                error.column = column
            }
            throw error
        }
    }

    /// Streams bytes held in memory (tests, small inputs).
    public static func parse<H: XMLEventHandler>(
        bytes: [UInt8], into handler: inout H, limits: XMLLimits = .default
    ) throws {
        var tokenizer = XMLTokenizer(limits: limits)
        var position = 0
        do {
            try tokenizer.run(&handler) { destination, count in
                let n = min(count, bytes.count - position)
                bytes.withUnsafeBufferPointer { source in
                    if n > 0 { destination.update(from: source.baseAddress! + position, count: n) }
                }
                position += n
                return n
            }
        } catch var error as XMLError {
            if error.line == nil {
                var counter = LineCounter()
                bytes.withUnsafeBufferPointer { counter.feed($0, upTo: error.offset) }
                (error.line, error.column) = (counter.line, counter.column)
            }
            throw error
        }
    }

    public static func parse<H: XMLEventHandler>(
        string: String, into handler: inout H, limits: XMLLimits = .default
    ) throws {
        try parse(bytes: Array(string.utf8), into: &handler, limits: limits)
    }

    /// Re-reads the file up to `offset` to turn it into a 1-based line and column (in characters).
    static func lineColumn(ofOffset offset: Int, inFile path: String) -> (Int, Int)? {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var counter = LineCounter()
        let chunk = 1 << 16
        let buffer = UnsafeMutablePointer<UInt8>.allocate(capacity: chunk)
        defer { buffer.deallocate() }
        var consumed = 0
        while consumed < offset {
            let got = read(fd, buffer, min(chunk, offset - consumed))
            guard got > 0 else { break }
            counter.feed(UnsafeBufferPointer(start: buffer, count: got), upTo: got)
            consumed += got
        }
        return (counter.line, counter.column)
    }
}

/// Counts lines and characters (not bytes) to place an offset for humans.
struct LineCounter {
    var line = 1
    var column = 1

    mutating func feed(_ bytes: UnsafeBufferPointer<UInt8>, upTo limit: Int) {
        for byte in bytes.prefix(max(0, limit)) {
            if byte == 0x0A {
                line += 1
                column = 1
            } else if byte & 0xC0 != 0x80 {
                column += 1
            }
        }
    }
}
