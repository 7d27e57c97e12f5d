import Foundation

/// Timestamps in the journal: fast to produce, sortable, readable.
public enum JournalClock {
    /// Now, as `2026-11-21T15:30:12.345Z`.
    public static func now() -> String { format(Date()) }

    public static func format(_ date: Date) -> String {
        let totalMillis = Int64((date.timeIntervalSince1970 * 1000).rounded())
        var seconds = time_t(totalMillis / 1000)
        let millis = Int(totalMillis % 1000)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func pad(_ value: Int32, _ width: Int = 2) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        return "\(pad(parts.tm_year + 1900, 4))-\(pad(parts.tm_mon + 1))-\(pad(parts.tm_mday))T"
            + "\(pad(parts.tm_hour)):\(pad(parts.tm_min)):\(pad(parts.tm_sec)).\(pad(Int32(millis), 3))Z"
    }

    public static func parse(_ text: String) -> Date? {
        var digits: [Int] = []
        digits.reserveCapacity(17)
        for byte in text.utf8 where byte >= 48 && byte <= 57 { digits.append(Int(byte) - 48) }
        guard digits.count >= 14 else { return nil }
        func number(_ from: Int, _ count: Int) -> Int { digits[from..<from + count].reduce(0) { $0 * 10 + $1 } }
        var parts = tm()
        parts.tm_year = Int32(number(0, 4) - 1900)
        parts.tm_mon = Int32(number(4, 2) - 1)
        parts.tm_mday = Int32(number(6, 2))
        parts.tm_hour = Int32(number(8, 2))
        parts.tm_min = Int32(number(10, 2))
        parts.tm_sec = Int32(number(12, 2))
        let millis = digits.count >= 17 ? number(14, 3) : 0
        let seconds = timegm(&parts)
        return Date(timeIntervalSince1970: Double(seconds) + Double(millis) / 1000)
    }
}
