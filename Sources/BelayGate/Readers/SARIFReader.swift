import Foundation

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

    public init() {}

    public var highOrAbove: Int { critical + high }
    public var mediumOrAbove: Int { critical + high + medium }

    public var metrics: EvidenceMetrics {
        EvidenceMetrics(
            values: [
                "findings": Double(findings), "critical": Double(critical), "high_or_above": Double(highOrAbove),
                "medium_or_above": Double(mediumOrAbove), "errors": Double(errors),
            ],
            notes: worst)
    }

    mutating func add(_ other: SARIFSummary, noteLimit: Int) {
        findings += other.findings
        critical += other.critical
        high += other.high
        medium += other.medium
        low += other.low
        errors += other.errors
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

/// Reads SARIF 2.1.0: every run, with rule metadata from the driver and its extensions.
///
/// A result is a finding when its `kind` is fail/open/review (absent = fail) and no suppression
/// with status `accepted` (or no status) covers it. Its level falls back to the rule's
/// `defaultConfiguration.level`, then `warning`. Its severity comes from `security-severity`
/// (result, then rule properties), else from severity tags, else from the level
/// (error → high, warning → medium, note → low). A run whose invocation did not execute
/// successfully makes the file unreadable: a scan that crashed is not a clean scan. A log with no
/// run at all is missing evidence, like a JUnit file without testcases.
public enum SARIFReader {
    public static func read(file path: String, noteLimit: Int = 20) -> EvidenceState<SARIFSummary> {
        if let empty: EvidenceState<SARIFSummary> = EvidenceFile.emptiness(path) { return empty }
        guard let data = FileManager.default.contents(atPath: path) else { return .unreadable("\(path) cannot be read") }
        return read(data: data, name: path, noteLimit: noteLimit)
    }

    public static func read(files: [String], noteLimit: Int = 20) -> EvidenceState<SARIFSummary> {
        guard !files.isEmpty else { return .missing("no SARIF file matched") }
        var total = SARIFSummary()
        for file in files {
            switch read(file: file, noteLimit: noteLimit) {
            case .ok(let summary): total.add(summary, noteLimit: noteLimit)
            case .missing(let reason): return .missing(reason)
            case .unreadable(let reason): return .unreadable(reason)
            }
        }
        return .ok(total)
    }

    public static func read(data: Data, name: String, noteLimit: Int = 20) -> EvidenceState<SARIFSummary> {
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: data)
        } catch {
            return .unreadable("\(name) is not valid JSON: \(jsonMessage(error))")
        }
        guard let log = object as? [String: Any], let runs = log["runs"] as? [Any] else {
            return .unreadable("\(name) is not a SARIF log: it has no \"runs\" list")
        }
        if let version = log["version"] as? String, !version.hasPrefix("2.") {
            return .unreadable("\(name) is SARIF \(version); only 2.1.0 is supported")
        }
        // No run means no scan was recorded: empty evidence, never a clean scan.
        if runs.isEmpty { return .missing("\(name) has no runs: it records no scan") }
        var summary = SARIFSummary()
        for (index, runObject) in runs.enumerated() {
            guard let run = runObject as? [String: Any] else {
                return .unreadable("\(name): runs[\(index)] is not an object")
            }
            if let failure = executionFailure(run) {
                return .unreadable("\(name): runs[\(index)] (\(toolName(run))) did not complete: \(failure)")
            }
            count(run, into: &summary, noteLimit: noteLimit)
        }
        return .ok(summary)
    }

    private static func jsonMessage(_ error: Error) -> String {
        let ns = error as NSError
        return (ns.userInfo[NSDebugDescriptionErrorKey] as? String) ?? ns.localizedDescription
    }

    private static func toolName(_ run: [String: Any]) -> String {
        ((run["tool"] as? [String: Any])?["driver"] as? [String: Any])?["name"] as? String ?? "unnamed tool"
    }

    private static func executionFailure(_ run: [String: Any]) -> String? {
        for case let invocation as [String: Any] in run["invocations"] as? [Any] ?? [] {
            guard let ok = invocation["executionSuccessful"] as? Bool, !ok else { continue }
            let notes = (invocation["toolExecutionNotifications"] as? [Any] ?? []).compactMap {
                (($0 as? [String: Any])?["message"] as? [String: Any])?["text"] as? String
            }
            return "executionSuccessful is false" + (notes.first.map { " (\($0))" } ?? "")
        }
        return nil
    }

    /// Rules of the driver (component index -1 here) and of each extension.
    private struct Rules {
        var driver: [[String: Any]] = []
        var extensions: [[[String: Any]]] = []

        init(_ run: [String: Any]) {
            let tool = run["tool"] as? [String: Any] ?? [:]
            driver = ((tool["driver"] as? [String: Any])?["rules"] as? [Any] ?? []).compactMap { $0 as? [String: Any] }
            extensions = (tool["extensions"] as? [Any] ?? []).map {
                (($0 as? [String: Any])?["rules"] as? [Any] ?? []).compactMap { $0 as? [String: Any] }
            }
        }

        func rule(for result: [String: Any]) -> [String: Any]? {
            let reference = result["rule"] as? [String: Any]
            let index = (reference?["index"] as? Int) ?? (result["ruleIndex"] as? Int)
            let component = ((reference?["toolComponent"] as? [String: Any])?["index"] as? Int)
            let list = component.flatMap { $0 >= 0 && $0 < extensions.count ? extensions[$0] : nil } ?? driver
            if let index, index >= 0, index < list.count { return list[index] }
            guard let id = (result["ruleId"] as? String) ?? (reference?["id"] as? String) else { return nil }
            for candidate in [driver] + extensions {
                if let rule = candidate.first(where: { $0["id"] as? String == id }) { return rule }
            }
            return nil
        }
    }

    private static func count(_ run: [String: Any], into summary: inout SARIFSummary, noteLimit: Int) {
        let rules = Rules(run)
        for case let result as [String: Any] in run["results"] as? [Any] ?? [] {
            let kind = result["kind"] as? String ?? "fail"
            guard ["fail", "open", "review"].contains(kind), !isSuppressed(result) else { continue }
            let rule = rules.rule(for: result)
            let level = result["level"] as? String
                ?? ((rule?["defaultConfiguration"] as? [String: Any])?["level"] as? String)
                ?? "warning"
            let severity = self.severity(result: result, rule: rule, level: level)
            summary.findings += 1
            if level == "error" { summary.errors += 1 }
            switch severity {
            case .critical: summary.critical += 1
            case .high: summary.high += 1
            case .medium: summary.medium += 1
            case .low: summary.low += 1
            case .none: break
            }
            if severity >= .high, summary.worst.count < noteLimit {
                summary.worst.append(describe(result, severity: severity))
            }
        }
    }

    /// Suppressed when any suppression is accepted or has no status (underReview / rejected do not count).
    private static func isSuppressed(_ result: [String: Any]) -> Bool {
        (result["suppressions"] as? [Any] ?? []).contains { item in
            let status = (item as? [String: Any])?["status"] as? String
            return status == nil || status == "accepted"
        }
    }

    static func severity(result: [String: Any], rule: [String: Any]?, level: String) -> SARIFSeverity {
        let resultProperties = result["properties"] as? [String: Any] ?? [:]
        let ruleProperties = rule?["properties"] as? [String: Any] ?? [:]
        for properties in [resultProperties, ruleProperties] {
            if let score = number(properties["security-severity"]) { return SARIFSeverity(score: score) }
        }
        let tags = (resultProperties["tags"] as? [Any] ?? []) + (ruleProperties["tags"] as? [Any] ?? [])
        let tagged = tags.compactMap { ($0 as? String).flatMap { SARIFSeverity(rawValue: $0.lowercased()) } }
            .filter { $0 != .none }
        if let highest = tagged.max() { return highest }
        switch level {
        case "error": return .high
        case "warning": return .medium
        case "note": return .low
        default: return .none
        }
    }

    private static func number(_ value: Any?) -> Double? {
        if let text = value as? String { return Double(text.trimmingCharacters(in: .whitespaces)) }
        if let number = value as? NSNumber, String(cString: number.objCType) != "c" { return number.doubleValue }
        return nil
    }

    private static func describe(_ result: [String: Any], severity: SARIFSeverity) -> String {
        let rule = result["ruleId"] as? String ?? "unknown-rule"
        let message = ((result["message"] as? [String: Any])?["text"] as? String).map { firstLine($0, limit: 160) } ?? ""
        var text = "\(severity.rawValue) \(rule): \(message)"
        if let location = (result["locations"] as? [Any])?.first as? [String: Any],
            let physical = location["physicalLocation"] as? [String: Any],
            let uri = (physical["artifactLocation"] as? [String: Any])?["uri"] as? String
        {
            let line = (physical["region"] as? [String: Any])?["startLine"] as? Int
            text += " (\(uri)\(line.map { ":\($0)" } ?? ""))"
        }
        return text
    }
}
