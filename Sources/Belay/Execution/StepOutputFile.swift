import Foundation

/// Reads the outputs an action wrote to `$BELAY_OUTPUT`, then removes the file (it may hold secret
/// values that must not stay on disk unmasked).
///
/// The format (docs/playbooks.md#outputs): one `key=value` per line, the value running to the end of
/// that line (`\n` only: a carriage return or a Unicode line separator belongs to the value); a
/// value of several lines as `key<<DELIMITER`, its lines, then a line holding only `DELIMITER`.
/// Blank lines and lines starting with `#` are ignored; anything else is an error, so a stray line
/// is never taken for, nor silently dropped as, an output. The file is read up to `maxFileBytes`
/// and no further, so a runaway writer cannot make Belay hold it.
enum StepOutputFile {
    /// At most this many outputs per action.
    static let maxCount = 100
    /// At most this many bytes per value.
    static let maxValueBytes = 64 * 1024
    /// At most this many bytes in the whole file.
    static let maxFileBytes = 1024 * 1024
    /// At most this many characters per key.
    static let maxKeyLength = 64

    /// The outputs read, and the first rule the file broke (nil when it broke none). The outputs
    /// are those before the offending line, so a compensation still learns what was recorded.
    struct Reading: Sendable {
        var outputs: [String: String] = [:]
        var problem: String?
    }

    static func consume(_ path: String) -> Reading {
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)
        guard fd >= 0 else { return Reading() }
        defer {
            close(fd)
            unlink(path)
        }
        var bytes = [UInt8]()
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        while bytes.count <= maxFileBytes {
            let count = read(fd, &buffer, buffer.count)
            if count < 0 && errno == EINTR { continue }
            if count <= 0 { break }
            bytes.append(contentsOf: buffer[..<count])
        }
        if bytes.count > maxFileBytes {
            return Reading(problem: "the output file is larger than its limit of \(maxFileBytes / 1024) KiB")
        }
        return parse(bytes)
    }

    static func parse(_ bytes: [UInt8]) -> Reading {
        var reading = Reading()
        let lines = bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
        var index = 0
        func fail(_ line: Int, _ message: String) -> Reading {
            reading.problem = "output line \(line): \(message)"
            return reading
        }
        while index < lines.count {
            let number = index + 1
            let line = String(decoding: lines[index], as: UTF8.self)
            index += 1
            if line.allSatisfy(\.isWhitespace) || line.hasPrefix("#") { continue }
            let key: String
            let value: String
            if let equals = line.firstIndex(of: "="),
                line.range(of: "<<").map({ $0.lowerBound > equals }) ?? true
            {
                key = String(line[..<equals])
                value = String(line[line.index(after: equals)...])
            } else if let heredoc = line.range(of: "<<") {
                key = String(line[..<heredoc.lowerBound])
                let delimiter = String(line[heredoc.upperBound...])
                guard !delimiter.isEmpty else { return fail(number, "'\(key)<<' needs a delimiter after '<<'") }
                var body: [String] = []
                var closed = false
                var size = 0
                while index < lines.count {
                    let text = String(decoding: lines[index], as: UTF8.self)
                    index += 1
                    if text == delimiter {
                        closed = true
                        break
                    }
                    size += text.utf8.count + 1
                    if size > maxValueBytes + 1 { break }
                    body.append(text)
                }
                value = body.joined(separator: "\n")
                if !closed && value.utf8.count <= maxValueBytes {
                    return fail(number, "the value of '\(key)' has no closing line '\(delimiter)'")
                }
            } else {
                return fail(number, "expected key=value or key<<DELIMITER")
            }
            if let problem = keyProblem(key) { return fail(number, problem) }
            if value.utf8.count > maxValueBytes {
                return fail(number, "the value of '\(key)' is larger than its limit of \(maxValueBytes / 1024) KiB")
            }
            if reading.outputs[key] == nil && reading.outputs.count == maxCount {
                return fail(number, "more outputs than the limit of \(maxCount)")
            }
            reading.outputs[key] = value
        }
        return reading
    }

    /// Keys are `[A-Za-z_][A-Za-z0-9_-]*`, at most `maxKeyLength` characters; nil when `key` is one.
    static func keyProblem(_ key: String) -> String? {
        guard let first = key.unicodeScalars.first else { return "an output needs a key before '='" }
        let valid = !("0"..."9").contains(first) && first != "-"
            && key.unicodeScalars.allSatisfy { scalar in
                switch scalar {
                case "a"..."z", "A"..."Z", "0"..."9", "_", "-": true
                default: false
                }
            }
        guard valid else {
            return "the key '\(key)' is not a valid key (a letter or '_', then letters, digits, '_' or '-')"
        }
        if key.count > maxKeyLength { return "the key '\(key.prefix(20))…' is longer than its limit of \(maxKeyLength) characters" }
        return nil
    }

    /// `BELAY_OUT_<KEY>`: upper-cased, `-` → `_`.
    static func environmentName(_ key: String) -> String { "BELAY_OUT_" + environmentSuffix(key) }

    static func environmentSuffix(_ name: String) -> String {
        name.uppercased().replacing("-", with: "_")
    }
}
