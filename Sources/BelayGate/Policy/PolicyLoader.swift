import BelaySupport
import Foundation
import Yams

extension GatePolicy {
    /// Loads and checks a policy file. Every problem is reported at once, each with `file:line:col`.
    public static func load(path: String) throws(DiagnosticsError) -> GatePolicy {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw DiagnosticsError([
                Diagnostic(at: SourceLocation(file: path, line: 1, column: 1), "cannot read the policy file",
                           hint: "check the policy's path")
            ])
        }
        let folder = (path as NSString).deletingLastPathComponent
        let directory = folder.isEmpty ? "." : folder
        return try parse(text: String(decoding: data, as: UTF8.self), file: path, directory: directory)
    }

    /// Parses policy text; `directory` is what relative globs are resolved against.
    public static func parse(text: String, file: String, directory: String) throws(DiagnosticsError) -> GatePolicy {
        let reader = YAMLReader(file: file, text: text)
        let policy = PolicyLoader(reader: reader, file: file, directory: directory).load()
        guard let policy, !reader.hasErrors else { throw DiagnosticsError(reader.diagnostics) }
        return policy
    }
}

/// Turns located YAML into a `GatePolicy`, collecting every diagnostic on the way.
private struct PolicyLoader {
    let reader: YAMLReader
    let file: String
    let directory: String

    static let topKeys = [
        "gate", "description", "inputs", "criteria", "decision", "waivers", "suppressions", "read_outside_policy_folder",
    ]
    static let suppressionKeys = ["trust_without_status", "trust_external"]
    static let criterionKeys = [
        "id", "source", "metric", "path", "rehearsal", "max_age", "max", "min", "warn_above", "warn_below", "key",
        "description",
    ]
    static let waiverKeys = ["criterion", "reason", "expires", "approved_by"]
    static let decisionKeys = ["proceed_max_warnings", "conditional_max_warnings"]

    func load() -> GatePolicy? {
        guard let root = reader.root(),
            let fields = reader.mapping(root, "the gate policy", allowed: Self.topKeys, required: ["gate", "criteria"])
        else { return nil }
        let name = fields["gate"].flatMap { reader.string($0, "gate") } ?? ""
        let description = fields["description"].flatMap { reader.string($0, "description") }
        let outside = fields["read_outside_policy_folder"].flatMap { reader.bool($0, "read_outside_policy_folder") } ?? false
        let sources = fields["inputs"].map { loadSources($0, outside: outside) } ?? []
        let suppressions = fields["suppressions"].map(loadSuppressions) ?? SuppressionRule()
        let criteria = fields["criteria"].map { loadCriteria($0, sources: sources) } ?? []
        let decision = fields["decision"].map(loadDecision) ?? DecisionRule()
        let waivers = fields["waivers"].map { loadWaivers($0, criteria: criteria) } ?? []
        return GatePolicy(
            name: name, description: description, file: file, directory: directory, sources: sources,
            criteria: criteria, decision: decision, waivers: waivers, suppressions: suppressions,
            readsOutsideFolder: outside)
    }

    private func loadSuppressions(_ node: Node) -> SuppressionRule {
        var rule = SuppressionRule()
        guard let fields = reader.mapping(node, "suppressions", allowed: Self.suppressionKeys) else { return rule }
        if let value = fields["trust_without_status"].flatMap({ reader.bool($0, "suppressions.trust_without_status") }) {
            rule.trustWithoutStatus = value
        }
        if let value = fields["trust_external"].flatMap({ reader.bool($0, "suppressions.trust_external") }) {
            rule.trustExternal = value
        }
        return rule
    }

    private func loadSources(_ node: Node, outside: Bool) -> [EvidenceSource] {
        guard case .mapping(let mapping) = node else {
            reader.error("inputs must be a mapping of source names to { kind: glob }, found \(reader.describe(node))", at: node)
            return []
        }
        var sources: [EvidenceSource] = []
        for (keyNode, value) in mapping {
            guard let name = reader.string(keyNode, "a source name") else { continue }
            let kinds = EvidenceKind.allCases.map(\.rawValue)
            guard let fields = reader.mapping(value, "source '\(name)'", allowed: kinds) else { continue }
            guard fields.entries.count == 1, let entry = fields.entries.first, let kind = EvidenceKind(rawValue: entry.key)
            else {
                if fields.entries.count > 1 {
                    reader.error("source '\(name)' names several kinds; give exactly one of \(kinds.joined(separator: ", "))", at: value)
                } else if !reader.hasErrors {
                    reader.error("source '\(name)' needs a kind and its files, e.g. { junit: \"reports/*.xml\" }", at: value)
                }
                continue
            }
            guard let patterns = reader.stringList(entry.value, "the files of source '\(name)'") else { continue }
            if patterns.isEmpty { reader.error("source '\(name)' lists no file pattern", at: entry.value) }
            if !outside {
                for (pattern, node) in patterns where PolicyFolder.leaves(pattern) {
                    reader.error(
                        "source '\(name)': '\(pattern)' reaches outside the policy's folder", at: node,
                        hint: "keep evidence under the policy's folder, or set read_outside_policy_folder: true")
                }
            }
            sources.append(EvidenceSource(name: name, kind: kind, patterns: patterns.map(\.0)))
        }
        return sources
    }

    private func loadCriteria(_ node: Node, sources: [EvidenceSource]) -> [Criterion] {
        guard let items = reader.sequence(node, "criteria") else { return [] }
        if items.isEmpty { reader.error("criteria is empty: a gate needs at least one criterion", at: node) }
        var criteria: [Criterion] = []
        var seen: Set<String> = []
        for item in items {
            if case .mapping(let mapping) = item, let idNode = mapping["id"], case .scalar(let id) = idNode,
                !seen.insert(id.string).inserted
            {
                reader.error("duplicate criterion id '\(id.string)'", at: idNode, hint: "each criterion needs its own id")
            }
            if let criterion = loadCriterion(item, sources: sources) { criteria.append(criterion) }
        }
        return criteria
    }

    private func loadCriterion(_ node: Node, sources: [EvidenceSource]) -> Criterion? {
        guard let fields = reader.mapping(node, "a criterion", allowed: Self.criterionKeys, required: ["id"]),
            let id = fields["id"].flatMap({ reader.string($0, "a criterion's id") })
        else { return nil }
        let what = "criterion '\(id)'"
        let key = fields["key"].flatMap { reader.bool($0, "\(what): key") } ?? false
        let description = fields["description"].flatMap { reader.string($0, "\(what): description") }
        var thresholds = Thresholds()
        thresholds.max = fields["max"].flatMap { reader.double($0, "\(what): max") }
        thresholds.min = fields["min"].flatMap { reader.double($0, "\(what): min") }
        thresholds.warnAbove = fields["warn_above"].flatMap { reader.double($0, "\(what): warn_above") }
        thresholds.warnBelow = fields["warn_below"].flatMap { reader.double($0, "\(what): warn_below") }

        let rehearsal = fields["rehearsal"].flatMap { reader.bool($0, "\(what): rehearsal") } ?? false
        if rehearsal {
            for other in ["source", "metric", "path", "max", "min", "warn_above", "warn_below"] {
                if let keyNode = fields.keyNode(other) {
                    reader.error("\(what) is a rehearsal criterion; '\(other)' does not apply to it", at: keyNode,
                                 hint: "a rehearsal criterion passes when the last rehearsal of the playbook succeeded")
                }
            }
            let maxAge = fields["max_age"].flatMap { reader.duration($0, "\(what): max_age") }
            return Criterion(id: id, measure: .rehearsal(maxAge: maxAge), key: key, description: description)
        }
        if let keyNode = fields.keyNode("max_age") {
            reader.error("\(what): max_age applies only to a rehearsal criterion", at: keyNode)
        }
        guard let sourceNode = fields["source"] else {
            reader.error("\(what) needs a source (or rehearsal: true)", at: node,
                         hint: "name one of the inputs: \(sources.map(\.name).joined(separator: ", "))")
            return nil
        }
        guard let sourceName = reader.string(sourceNode, "\(what): source") else { return nil }
        guard let source = sources.first(where: { $0.name == sourceName }) else {
            let names = sources.map(\.name)
            reader.error(
                "\(what) uses unknown source '\(sourceName)'", at: sourceNode,
                hint: Suggestion.closest(to: sourceName, among: names).map { "did you mean '\($0)'?" }
                    ?? (names.isEmpty ? "declare it under inputs:" : "declared sources: \(names.joined(separator: ", "))"))
            return nil
        }
        if !["max", "min", "warn_above", "warn_below"].contains(where: fields.has) {
            reader.error("\(what) has no threshold", at: node, hint: "give max, min, warn_above or warn_below")
        }
        checkOrder(thresholds, what: what, fields: fields)

        let measure: Criterion.Measure
        if source.kind == .json {
            if let metricKey = fields.keyNode("metric") {
                reader.error("\(what): a json source is read by path, not metric", at: metricKey,
                             hint: "write path: \"a.b.c\" (dotted keys, array indexes as numbers)")
                if !fields.has("path") { return nil }
            }
            guard let pathNode = fields["path"] else {
                reader.error("\(what) needs a path into the JSON file of source '\(sourceName)'", at: node,
                             hint: "for example path: \"metrics.http_req_duration.p95\"")
                return nil
            }
            guard let path = reader.string(pathNode, "\(what): path") else { return nil }
            if path.isEmpty || path.split(separator: ".", omittingEmptySubsequences: false).contains(where: \.isEmpty) {
                reader.error("\(what): path '\(path)' has an empty segment", at: pathNode)
            }
            measure = .path(source: sourceName, path: path)
        } else {
            if let pathKey = fields.keyNode("path") {
                reader.error("\(what): path applies only to a json source; '\(sourceName)' is \(source.kind.rawValue)",
                             at: pathKey, hint: "use metric: one of \(source.kind.metrics.joined(separator: ", "))")
                if !fields.has("metric") { return nil }
            }
            guard let metricNode = fields["metric"] else {
                reader.error("\(what) needs a metric", at: node,
                             hint: "\(source.kind.rawValue) metrics: \(source.kind.metrics.joined(separator: ", "))")
                return nil
            }
            guard let metric = reader.string(metricNode, "\(what): metric") else { return nil }
            guard source.kind.metrics.contains(metric) else {
                reader.error(
                    "\(what): '\(metric)' is not a \(source.kind.rawValue) metric", at: metricNode,
                    hint: Suggestion.closest(to: metric, among: source.kind.metrics).map { "did you mean '\($0)'?" }
                        ?? "\(source.kind.rawValue) metrics: \(source.kind.metrics.joined(separator: ", "))")
                return nil
            }
            measure = .metric(source: sourceName, name: metric)
        }
        return Criterion(id: id, measure: measure, thresholds: thresholds, key: key, description: description)
    }

    private func checkOrder(_ t: Thresholds, what: String, fields: Fields) {
        if let min = t.min, let max = t.max, min > max {
            reader.error("\(what): min (\(min)) is above max (\(max)); nothing could pass", at: fields.keyNode("min"))
        }
        if let warn = t.warnAbove, let max = t.max, warn > max {
            reader.error("\(what): warn_above (\(warn)) must not be above max (\(max))", at: fields.keyNode("warn_above"),
                         hint: "warn_above marks the band just under the limit that deserves attention")
        }
        if let warn = t.warnBelow, let min = t.min, warn < min {
            reader.error("\(what): warn_below (\(warn)) must not be below min (\(min))", at: fields.keyNode("warn_below"),
                         hint: "warn_below marks the band just over the limit that deserves attention")
        }
    }

    private func loadDecision(_ node: Node) -> DecisionRule {
        var rule = DecisionRule()
        guard let fields = reader.mapping(node, "decision", allowed: Self.decisionKeys) else { return rule }
        if let value = fields["proceed_max_warnings"].flatMap({ reader.int($0, "decision.proceed_max_warnings", minimum: 0) }) {
            rule.proceedMaxWarnings = value
        }
        if let value = fields["conditional_max_warnings"].flatMap({
            reader.int($0, "decision.conditional_max_warnings", minimum: 0)
        }) {
            rule.conditionalMaxWarnings = value
        }
        if rule.conditionalMaxWarnings < rule.proceedMaxWarnings {
            reader.error(
                "decision.conditional_max_warnings (\(rule.conditionalMaxWarnings)) is below proceed_max_warnings (\(rule.proceedMaxWarnings))",
                at: node, hint: "conditional_max_warnings must be at least proceed_max_warnings")
        }
        return rule
    }

    private func loadWaivers(_ node: Node, criteria: [Criterion]) -> [Waiver] {
        guard let items = reader.sequence(node, "waivers") else { return [] }
        var waivers: [Waiver] = []
        for item in items {
            guard let fields = reader.mapping(item, "a waiver", allowed: Self.waiverKeys, required: ["criterion", "reason", "expires"])
            else { continue }
            let criterionNode = fields["criterion"]
            let criterion = criterionNode.flatMap { reader.string($0, "a waiver's criterion") }
            let reason = fields["reason"].flatMap { reader.string($0, "a waiver's reason") }
            let approvedBy = fields["approved_by"].flatMap { reader.string($0, "a waiver's approved_by") }
            var expires: CalendarDay?
            if let expiresNode = fields["expires"], let text = reader.string(expiresNode, "a waiver's expires") {
                expires = CalendarDay(parsing: text)
                if expires == nil {
                    reader.error("a waiver's expires '\(text)' is not a date", at: expiresNode, hint: "write YYYY-MM-DD, e.g. 2026-12-31")
                }
            }
            if let criterion, let criterionNode, !criteria.contains(where: { $0.id == criterion }) {
                let ids = criteria.map(\.id)
                reader.error(
                    "a waiver names unknown criterion '\(criterion)'", at: criterionNode,
                    hint: Suggestion.closest(to: criterion, among: ids).map { "did you mean '\($0)'?" }
                        ?? "criteria: \(ids.joined(separator: ", "))")
                continue
            }
            if let reason, reason.trimmingWhitespace().isEmpty, let reasonNode = fields["reason"] {
                reader.error("a waiver needs a reason", at: reasonNode)
            }
            guard let criterion, let reason, let expires else { continue }
            waivers.append(Waiver(criterion: criterion, reason: reason, expires: expires, approvedBy: approvedBy))
        }
        return waivers
    }
}
