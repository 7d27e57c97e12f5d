import Foundation

/// Run ids that sort by start time and read as one: `20261121-153012-a3f9` (UTC, then 4 random hex digits).
public enum RunID {
    public static func make(at date: Date = Date()) -> String {
        let stamp = JournalClock.format(date)  // 2026-11-21T15:30:12.345Z
        let digits = stamp.filter(\.isNumber)
        let day = digits.prefix(8)
        let time = digits.dropFirst(8).prefix(6)
        let suffix = String(UInt16.random(in: 0...UInt16.max), radix: 16)
        return "\(day)-\(time)-\(String(repeating: "0", count: 4 - suffix.count))\(suffix)"
    }

    /// The pattern `isValid` checks, as docs/state.md states it.
    public static let rule =
        "[A-Za-z0-9][A-Za-z0-9._-]*, at most \(maxLength) characters, no '..', not ending in '.' or '.lock'"

    public static let maxLength = 100

    /// Ids become folder names and git ref components, so one pattern that is safe as both: the
    /// characters of a version number (`release-1.4.2`), but nothing git refuses in a ref (`x.lock`,
    /// `a.`, `a..b`), no slash, and nothing that starts like an option or a hidden file. The engine
    /// checks it before anything is written, for every command that takes an id.
    public static func isValid(_ id: String) -> Bool {
        guard let first = id.unicodeScalars.first, first != "-" && first != "_" && first != "." else { return false }
        return id.unicodeScalars.count <= maxLength
            && !id.contains("..") && !id.hasSuffix(".") && !id.hasSuffix(".lock")
            && id.unicodeScalars.allSatisfy { scalar in
                switch scalar {
                case "a"..."z", "A"..."Z", "0"..."9", "-", "_", ".": true
                default: false
                }
            }
    }
}
