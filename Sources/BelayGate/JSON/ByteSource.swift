#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Bytes read in fixed-size chunks from a file or from memory, one at a time, so a reader's memory
/// does not grow with the input.
final class ByteSource {
    private let buffer: UnsafeMutablePointer<UInt8>
    private let capacity: Int
    private var position = 0
    private var end = 0
    /// Absolute offset of `buffer[0]` in the input.
    private var origin = 0
    private var finished = false
    private let fill: (UnsafeMutablePointer<UInt8>, Int) throws -> Int
    private let onClose: () -> Void

    private init(capacity: Int, fill: @escaping (UnsafeMutablePointer<UInt8>, Int) throws -> Int, onClose: @escaping () -> Void) {
        self.capacity = capacity
        self.buffer = .allocate(capacity: capacity)
        self.fill = fill
        self.onClose = onClose
    }

    deinit {
        buffer.deallocate()
        onClose()
    }

    /// The file at `path`; throws `JSONError.io` when it cannot be opened.
    static func file(_ path: String, chunkSize: Int) throws -> ByteSource {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw JSONError(.io, "cannot open: \(String(cString: strerror(errno)))", offset: 0) }
        return ByteSource(capacity: chunkSize, fill: { destination, count in
            while true {
                let got = read(fd, destination, count)
                if got >= 0 { return got }
                if errno == EINTR { continue }
                throw JSONError(.io, "cannot read: \(String(cString: strerror(errno)))", offset: 0)
            }
        }, onClose: { close(fd) })
    }

    static func bytes(_ bytes: [UInt8], chunkSize: Int) -> ByteSource {
        var position = 0
        return ByteSource(capacity: chunkSize, fill: { destination, count in
            let n = min(count, bytes.count - position)
            if n > 0 { bytes.withUnsafeBufferPointer { destination.update(from: $0.baseAddress! + position, count: n) } }
            position += n
            return n
        }, onClose: {})
    }

    /// The absolute offset of the next byte.
    var offset: Int { origin + position }

    /// The next byte without consuming it; `nil` at the end of the input.
    @inline(__always) func peek() throws -> UInt8? {
        if position < end { return buffer[position] }
        return try refill() ? buffer[position] : nil
    }

    @inline(__always) func advance() { position += 1 }

    /// Consumes bytes while `keep` holds, handing each run of them (within one chunk) to `body`.
    func consume(while keep: (UInt8) -> Bool, _ body: (UnsafeBufferPointer<UInt8>) throws -> Void) throws {
        while true {
            if position == end, try !refill() { return }
            let start = position
            while position < end, keep(buffer[position]) { position += 1 }
            if position > start { try body(UnsafeBufferPointer(start: buffer + start, count: position - start)) }
            if position < end { return }
        }
    }

    private func refill() throws -> Bool {
        guard !finished else { return false }
        origin += end
        position = 0
        end = 0
        let got = try fill(buffer, capacity)
        if got == 0 {
            finished = true
            return false
        }
        end = got
        return true
    }
}
