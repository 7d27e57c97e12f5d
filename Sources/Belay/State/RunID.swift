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

    /// The rule `isValid` checks, in words.
    public static let rule = "letters, digits, '-', '_', '.'"

    /// Ids become folder names and git ref components: keep them to a safe alphabet.
    public static func isValid(_ id: String) -> Bool {
        guard let first = id.unicodeScalars.first, first != "." && first != "-" else { return false }
        return id.count <= 100 && !id.contains("..")
            && id.unicodeScalars.allSatisfy { scalar in
                switch scalar {
                case "a"..."z", "A"..."Z", "0"..."9", "-", "_", ".": true
                default: false
                }
            }
    }
}
