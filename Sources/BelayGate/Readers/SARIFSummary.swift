/// Security findings from SARIF 2.1.0 files.
public struct SARIFSummary: Sendable, Hashable {
    public var findings = 0
    public var critical = 0
    public var high = 0
    public var medium = 0
    public var low = 0
    /// Findings whose level is `error`.
    public var errors = 0
    /// The first findings at high severity or above, as `severity ruleId: message (location)`.
    public var worst: [String] = []
    /// Results a suppression covers, by level (`error`, `warning`, `note`, `none`): not findings,
    /// but shown, so that a scan whose every result is suppressed does not look clean by accident.
    public var suppressed: [String: Int] = [:]

    public init() {}

    public var suppressedTotal: Int { suppressed.values.reduce(0, +) }

    public var highOrAbove: Int { critical + high }
    public var mediumOrAbove: Int { critical + high + medium }

    public var metrics: EvidenceMetrics {
        EvidenceMetrics(
            values: [
                "findings": Double(findings), "critical": Double(critical), "high_or_above": Double(highOrAbove),
                "medium_or_above": Double(mediumOrAbove), "errors": Double(errors),
                "suppressed": Double(suppressedTotal), "suppressed_error": Double(suppressed["error", default: 0]),
                "suppressed_warning": Double(suppressed["warning", default: 0]),
                "suppressed_note": Double(suppressed["note", default: 0]),
            ],
            notes: worst + suppressedNote)
    }

    private var suppressedNote: [String] {
        guard suppressedTotal > 0 else { return [] }
        let levels = suppressed.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: ", ")
        return ["suppressed: \(levels)"]
    }

    mutating func add(_ other: SARIFSummary, noteLimit: Int) {
        findings += other.findings
        critical += other.critical
        high += other.high
        medium += other.medium
        low += other.low
        errors += other.errors
        suppressed.merge(other.suppressed, uniquingKeysWith: +)
        worst += other.worst.prefix(max(0, noteLimit - worst.count))
    }
}

/// How serious a finding is, in GitHub code scanning's bands.
public enum SARIFSeverity: String, Sendable, Hashable, Comparable {
    case none, low, medium, high, critical

    /// GitHub's bands for `security-severity`: critical ≥ 9.0, high ≥ 7.0, medium ≥ 4.0, low > 0.
    public init(score: Double) {
        self = score >= 9 ? .critical : score >= 7 ? .high : score >= 4 ? .medium : score > 0 ? .low : .none
    }

    public static func < (a: Self, b: Self) -> Bool { a.rank < b.rank }
    private var rank: Int { [.none, .low, .medium, .high, .critical].firstIndex(of: self)! }
}
