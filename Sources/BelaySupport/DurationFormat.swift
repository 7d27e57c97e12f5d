/// Durations as people write them in playbooks and read them in output: `500ms`, `30s`, `5m`,
/// `2h`, or combined as `1m30s`.
public enum DurationFormat {
    /// Parses `500ms`, `1.5s`, `5m`, `2h`, `1h30m`; `nil` for anything else (a bare number has no unit
    /// and is rejected, since "10" could mean seconds or minutes).
    public static func parse(_ text: String) -> Duration? {
        let text = text.trimmingWhitespace()
        guard !text.isEmpty else { return nil }
        var total: Double = 0
        var index = text.startIndex
        while index < text.endIndex {
            let numberStart = index
            while index < text.endIndex, text[index].isNumber || text[index] == "." {
                index = text.index(after: index)
            }
            guard numberStart < index, let number = Double(text[numberStart..<index]) else { return nil }
            let unitStart = index
            while index < text.endIndex, text[index].isLetter { index = text.index(after: index) }
            let seconds: Double
            switch text[unitStart..<index] {
            case "ms": seconds = 0.001
            case "s": seconds = 1
            case "m": seconds = 60
            case "h": seconds = 3600
            case "d": seconds = 86_400
            default: return nil
            }
            total += number * seconds
        }
        return .milliseconds(Int64((total * 1000).rounded()))
    }

    /// Milliseconds in a duration, for JSON and the journal.
    public static func milliseconds(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        return seconds * 1000 + attoseconds / 1_000_000_000_000_000
    }

    /// A short human form: `12ms`, `1.4s`, `2m05s`, `1h02m`.
    public static func format(_ duration: Duration) -> String {
        format(milliseconds: milliseconds(duration))
    }

    public static func format(milliseconds ms: Int64) -> String {
        if ms < 1000 { return "\(ms)ms" }
        if ms < 60_000 {
            let tenths = (ms + 50) / 100
            return "\(tenths / 10).\(tenths % 10)s"
        }
        let seconds = ms / 1000
        if seconds < 3600 { return "\(seconds / 60)m\(pad(seconds % 60))s" }
        return "\(seconds / 3600)h\(pad(seconds % 3600 / 60))m"
    }

    private static func pad(_ n: Int64) -> String { n < 10 ? "0\(n)" : "\(n)" }
}

extension StringProtocol {
    /// The text without leading and trailing spaces, tabs and newlines.
    public func trimmingWhitespace() -> String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }
        guard let first = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) })
        else { return "" }
        return String(self[first...last])
    }
}
