/// A go/no-go policy: where the evidence is, what it must show, how many warnings a release may
/// carry, and which shortfalls are knowingly accepted for a while (waivers).
public struct GatePolicy: Sendable {
    /// The gate's name (`gate:`), shown in reports.
    public var name: String
    public var description: String?
    /// The policy file, as given; diagnostics and reports name it.
    public var file: String
    /// The folder globs in the policy are relative to (the policy file's folder).
    public var directory: String
    public var sources: [EvidenceSource]
    public var criteria: [Criterion]
    public var decision: DecisionRule
    public var waivers: [Waiver]
    /// How SARIF suppressions without a status, or kept outside the code, are treated.
    public var suppressions: SuppressionRule
    /// Whether the policy's globs may read files outside its folder (`read_outside_policy_folder: true`).
    /// Off by default: a policy from a pull request must not read `/**/*.xml`.
    public var readsOutsideFolder: Bool

    public init(
        name: String, description: String? = nil, file: String, directory: String, sources: [EvidenceSource],
        criteria: [Criterion], decision: DecisionRule = DecisionRule(), waivers: [Waiver] = [],
        suppressions: SuppressionRule = SuppressionRule(), readsOutsideFolder: Bool = false
    ) {
        self.suppressions = suppressions
        self.readsOutsideFolder = readsOutsideFolder
        self.name = name
        self.description = description
        self.file = file
        self.directory = directory
        self.sources = sources
        self.criteria = criteria
        self.decision = decision
        self.waivers = waivers
    }

    public func source(named name: String) -> EvidenceSource? { sources.first { $0.name == name } }
}

/// A named set of evidence files of one kind (`tests: { junit: "reports/**/*.xml" }`).
public struct EvidenceSource: Sendable, Hashable {
    public var name: String
    public var kind: EvidenceKind
    /// Glob patterns, relative to the policy's folder.
    public var patterns: [String]

    public init(name: String, kind: EvidenceKind, patterns: [String]) {
        self.name = name
        self.kind = kind
        self.patterns = patterns
    }
}

/// One thing the evidence must show.
public struct Criterion: Sendable, Hashable {
    /// What is measured.
    public enum Measure: Sendable, Hashable {
        /// A named metric of a source (`metric: failed`).
        case metric(source: String, name: String)
        /// A number inside a JSON source (`path: metrics.http_req_duration.p95`).
        case path(source: String, path: String)
        /// A successful `belay rehearse` of the playbook, optionally no older than `maxAge`.
        case rehearsal(maxAge: Duration?)

        public var source: String? {
            switch self {
            case .metric(let source, _), .path(let source, _): source
            case .rehearsal: nil
            }
        }

        /// The metric name or JSON path, as it appears in the evidence's values.
        public var metricKey: String? {
            switch self {
            case .metric(_, let name): name
            case .path(_, let path): path
            case .rehearsal: nil
            }
        }
    }

    public var id: String
    public var measure: Measure
    public var thresholds: Thresholds
    /// A key criterion blocks the release when it fails or its evidence is missing.
    public var key: Bool
    public var description: String?

    public init(id: String, measure: Measure, thresholds: Thresholds = Thresholds(), key: Bool = false, description: String? = nil) {
        self.id = id
        self.measure = measure
        self.thresholds = thresholds
        self.key = key
        self.description = description
    }
}

/// Limits on a value: outside `min`…`max` fails; beyond `warnAbove`/`warnBelow` (but inside the
/// limits) warns.
public struct Thresholds: Sendable, Hashable, Codable {
    public var max: Double?
    public var min: Double?
    public var warnAbove: Double?
    public var warnBelow: Double?

    public init(max: Double? = nil, min: Double? = nil, warnAbove: Double? = nil, warnBelow: Double? = nil) {
        self.max = max
        self.min = min
        self.warnAbove = warnAbove
        self.warnBelow = warnBelow
    }

    public var isEmpty: Bool { max == nil && min == nil && warnAbove == nil && warnBelow == nil }

    enum CodingKeys: String, CodingKey {
        case max, min
        case warnAbove = "warn_above"
        case warnBelow = "warn_below"
    }
}

/// How many warnings a release may carry once every key criterion passes.
///
/// The defaults (2 and 4) are the classic matrix: fewer than 3 warnings proceed, fewer than 5
/// proceed conditionally, more block.
public struct DecisionRule: Sendable, Hashable {
    public var proceedMaxWarnings: Int
    public var conditionalMaxWarnings: Int

    public init(proceedMaxWarnings: Int = 2, conditionalMaxWarnings: Int = 4) {
        self.proceedMaxWarnings = proceedMaxWarnings
        self.conditionalMaxWarnings = conditionalMaxWarnings
    }

    /// The decision when every key criterion passes and `warnings` warnings remain.
    public func decide(warnings: Int) -> Decision {
        warnings <= proceedMaxWarnings ? .proceed : warnings <= conditionalMaxWarnings ? .conditionalProceed : .block
    }
}

/// A shortfall accepted on purpose, until a date.
public struct Waiver: Sendable, Hashable {
    public var criterion: String
    public var reason: String
    /// The last day the waiver applies (inclusive).
    public var expires: CalendarDay
    public var approvedBy: String?

    public init(criterion: String, reason: String, expires: CalendarDay, approvedBy: String? = nil) {
        self.criterion = criterion
        self.reason = reason
        self.expires = expires
        self.approvedBy = approvedBy
    }

    public func isActive(on day: CalendarDay) -> Bool { day <= expires }
}
