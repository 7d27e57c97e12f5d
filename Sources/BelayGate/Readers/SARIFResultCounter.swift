/// Adds SARIF results, one at a time, to a summary, with the rules of the run they belong to.
struct SARIFResultCounter {
    private(set) var summary = SARIFSummary()
    private let rules: [SARIFRules]
    private let noteLimit: Int
    private let suppressions: SuppressionRule

    init(runs: [SARIFSurvey.Run], noteLimit: Int, suppressions: SuppressionRule) {
        self.rules = runs.map { SARIFRules(tool: $0.tool) }
        self.noteLimit = noteLimit
        self.suppressions = suppressions
    }

    mutating func count(_ result: JSONValue, run: Int) {
        let kind = result["kind"]?.string ?? "fail"
        guard ["fail", "open", "review"].contains(kind) else { return }
        let rule = run < rules.count ? rules[run].rule(for: result) : nil
        let level = result["level"]?.string ?? rule?["defaultConfiguration"]?["level"]?.string ?? "warning"
        if let list = result["suppressions"]?.array, suppressions.suppresses(list) {
            summary.suppressed[level, default: 0] += 1
            return
        }
        let severity = Self.severity(result: result, rule: rule, level: level)
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
            summary.worst.append(Self.describe(result, severity: severity))
        }
    }

    static func severity(result: JSONValue, rule: JSONValue?, level: String) -> SARIFSeverity {
        let bags = [result["properties"], rule?["properties"]]
        for bag in bags {
            if let score = score(bag?["security-severity"]) { return SARIFSeverity(score: score) }
        }
        let tags = bags.flatMap { $0?["tags"]?.array ?? [] }
        let tagged = tags.compactMap { $0.string.flatMap { SARIFSeverity(rawValue: $0.lowercased()) } }.filter { $0 != .none }
        if let highest = tagged.max() { return highest }
        switch level {
        case "error": return .high
        case "warning": return .medium
        case "note": return .low
        default: return .none
        }
    }

    /// `security-severity` is a string in SARIF property bags ("8.1"); some tools write a number.
    private static func score(_ value: JSONValue?) -> Double? {
        if let text = value?.string { return Double(text.trimmingCharacters(in: " \t")).flatMap { $0.isFinite ? $0 : nil } }
        return value?.number
    }

    private static func describe(_ result: JSONValue, severity: SARIFSeverity) -> String {
        let rule = result["ruleId"]?.string ?? "unknown-rule"
        let message = result["message"]?["text"]?.string.map { firstLine($0, limit: 160) } ?? ""
        var text = "\(severity.rawValue) \(rule): \(message)"
        if let physical = result["locations"]?.array?.first?["physicalLocation"],
            let uri = physical["artifactLocation"]?["uri"]?.string
        {
            let line = physical["region"]?["startLine"]?.int
            text += " (\(uri)\(line.map { ":\($0)" } ?? ""))"
        }
        return text
    }
}

/// Rules of a run's driver and of each of its extensions, found by index or by id (an id is looked
/// up in a table built once per run: a scan of every rule for each of a million results is slow).
struct SARIFRules {
    private var driver: [JSONValue] = []
    private var extensions: [[JSONValue]] = []
    private var byID: [String: JSONValue] = [:]

    init(tool: JSONValue?) {
        driver = tool?["driver"]?["rules"]?.array ?? []
        extensions = (tool?["extensions"]?.array ?? []).map { $0["rules"]?.array ?? [] }
        for rule in ([driver] + extensions).joined() {  // the first rule with an id wins
            if let id = rule["id"]?.string, byID[id] == nil { byID[id] = rule }
        }
    }

    func rule(for result: JSONValue) -> JSONValue? {
        let reference = result["rule"]
        let index = reference?["index"]?.int ?? result["ruleIndex"]?.int
        let component = reference?["toolComponent"]?["index"]?.int
        let list = component.flatMap { $0 >= 0 && $0 < extensions.count ? extensions[$0] : nil } ?? driver
        if let index, index >= 0, index < list.count { return list[index] }
        guard let id = result["ruleId"]?.string ?? reference?["id"]?.string else { return nil }
        return byID[id]
    }
}

extension String {
    fileprivate func trimmingCharacters(in set: String) -> String {
        var text = Substring(self)
        while let first = text.first, set.contains(first) { text = text.dropFirst() }
        while let last = text.last, set.contains(last) { text = text.dropLast() }
        return String(text)
    }
}
