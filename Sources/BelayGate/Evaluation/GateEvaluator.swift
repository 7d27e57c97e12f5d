import BelaySupport
import Foundation

/// Reads a policy's evidence and decides PROCEED, CONDITIONAL_PROCEED or BLOCK (see docs/gate.md).
///
/// The rule: any key criterion that fails or lacks evidence blocks. Otherwise each criterion in a
/// warn range, and each non-key criterion that fails or lacks evidence, counts one warning (an
/// active waiver cancels it), and the count is held against the policy's `decision:` limits.
///
/// ```swift
/// let policy = try GatePolicy.load(path: "release-gate.yml")
/// let report = try GateEvaluator(policy: policy, today: .today()).evaluate()
/// if report.decision == .block { … }
/// ```
public struct GateEvaluator: Sendable {
    public let policy: GatePolicy
    public let today: CalendarDay
    public let playbook: String?
    public let rehearsal: RehearsalLookup?
    /// The clock used only to judge a rehearsal's `max_age`.
    public let now: Date

    public init(
        policy: GatePolicy, today: CalendarDay = .today(), playbook: String? = nil,
        rehearsal: RehearsalLookup? = nil, now: Date = Date()
    ) {
        self.policy = policy
        self.today = today
        self.playbook = playbook
        self.rehearsal = rehearsal
        self.now = now
    }

    /// Reads every source (with command-line overrides applied) and evaluates the criteria.
    public func evaluate(overrides: EvidenceOverrides = .none) throws(GateError) -> GateReport {
        let plan = try resolve(overrides)
        let evidence = plan.map { read($0.source, patterns: $0.patterns, base: $0.base) }
        return evaluate(evidence: evidence)
    }

    /// Which patterns each source uses, and what they are relative to, after overrides.
    public func resolve(_ overrides: EvidenceOverrides) throws(GateError) -> [(source: EvidenceSource, patterns: [String], base: String)] {
        var replaced: [String: [String]] = [:]
        for (kind, patterns) in overrides.byKind.sorted(by: { $0.key.rawValue < $1.key.rawValue }) where !patterns.isEmpty {
            let matching = policy.sources.filter { $0.kind == kind }
            guard matching.count == 1 else {
                throw GateError(.ambiguousOverride, .kindNotSingle(kind, sources: matching.map(\.name)))
            }
            replaced[matching[0].name, default: []] += patterns
        }
        for (name, patterns) in overrides.bySource.sorted(by: { $0.key < $1.key }) {
            guard policy.source(named: name) != nil else {
                let names = policy.sources.map(\.name)
                throw GateError(.unknownSource, .unknownSource(
                    name, suggestion: Suggestion.closest(to: name, among: names), declared: names))
            }
            replaced[name, default: []] += patterns
        }
        return policy.sources.map { source in
            if let patterns = replaced[source.name] { return (source, patterns, overrides.directory) }
            return (source, source.patterns, policy.directory)
        }
    }

    /// Reads one source's files with the reader for its kind.
    public func read(_ source: EvidenceSource, patterns: [String], base: String) -> SourceEvidence {
        let files = Glob.expand(patterns, relativeTo: base)
        let state: EvidenceState<EvidenceMetrics>
        let fromPolicy = base == policy.directory && patterns == source.patterns
        let escaping = fromPolicy && !policy.readsOutsideFolder ? PolicyFolder.outside(files, folder: base) : []
        if let first = escaping.first {
            state = .unreadable(
                "\(first) lies outside the policy's folder (through a symbolic link); "
                    + "the policy must set read_outside_policy_folder: true to read it")
        } else if files.isEmpty {
            state = .missing("no file matched \(patterns.map { "'\($0)'" }.joined(separator: ", "))")
        } else {
            switch source.kind {
            case .junit: state = JUnitReader.read(files: files).map(\.metrics)
            case .sarif: state = SARIFReader.read(files: files, suppressions: policy.suppressions).map(\.metrics)
            case .cobertura: state = CoberturaReader.read(files: files).map(\.metrics)
            case .lcov: state = LcovReader.read(files: files).map(\.metrics)
            case .json:
                let paths = policy.criteria.compactMap { criterion -> String? in
                    if case .path(source.name, let path) = criterion.measure { return path }
                    return nil
                }
                state = JSONMetricsReader.read(files: files, paths: paths)
            }
        }
        return SourceEvidence(name: source.name, kind: source.kind, patterns: patterns, files: files, state: state)
    }

    /// Decides from evidence already read (one entry per source; a source absent here is missing).
    public func evaluate(evidence: [SourceEvidence]) -> GateReport {
        var rehearsalSeen: RehearsalEvidence?
        var results: [CriterionResult] = []
        for criterion in policy.criteria {
            var result: CriterionResult
            switch criterion.measure {
            case .rehearsal(let maxAge):
                let request = RehearsalRequest(policyFile: policy.file, gate: policy.name, criterion: criterion.id, playbook: playbook)
                let found = rehearsal?(request)
                rehearsalSeen = rehearsalSeen ?? found
                result = judgeRehearsal(criterion, found, maxAge: maxAge)
            case .metric(let sourceName, let metric), .path(let sourceName, let metric):
                let source = evidence.first { $0.name == sourceName }
                result = judge(criterion, source: source, sourceName: sourceName, metric: metric)
            }
            applyWaivers(to: &result)
            results.append(result)
        }
        let warnings = results.filter(\.isWarning).count
        let blocking = results.filter(\.blocks)
        let decision = blocking.isEmpty ? policy.decision.decide(warnings: warnings) : .block
        let expired = policy.waivers.filter { !$0.isActive(on: today) }
        return GateReport(
            gate: policy.name, policyFile: policy.file, decision: decision, warnings: warnings, rule: policy.decision,
            criteria: results, evidence: evidence, rehearsal: rehearsalSeen, expiredWaivers: expired,
            reasons: reasons(decision: decision, results: results, warnings: warnings))
    }

    // MARK: Judging

    private func judge(_ criterion: Criterion, source: SourceEvidence?, sourceName: String, metric: String) -> CriterionResult {
        var result = CriterionResult(
            id: criterion.id, status: .missing, key: criterion.key, value: nil, thresholds: criterion.thresholds,
            isRehearsal: false, measure: "\(sourceName).\(metric)", message: "")
        guard let source else {
            result.message = "evidence missing: source '\(sourceName)' was not read"
            return result
        }
        switch source.state {
        case .missing(let reason):
            result.message = "evidence missing: \(reason)"
        case .unreadable(let reason):
            result.message = "evidence unreadable: \(reason)"
        case .ok(let metrics):
            guard let value = metrics.values[metric] else {
                result.message = source.kind == .json
                    ? "evidence missing: no number at path '\(metric)' in \(source.files.joined(separator: ", "))"
                    : "evidence missing: \(metrics.unmeasured[metric] ?? "\(metric) cannot be computed (nothing was measured)")"
                return result
            }
            result.value = .number(value)
            let t = criterion.thresholds
            let shown = "\(metric) = \(formatNumber(value))"
            if let max = t.max, value > max {
                result.status = .fail
                result.message = "\(shown), above max \(formatNumber(max))"
            } else if let min = t.min, value < min {
                result.status = .fail
                result.message = "\(shown), below min \(formatNumber(min))"
            } else if let warn = t.warnAbove, value > warn {
                result.status = .warn
                result.message = "\(shown), above warn_above \(formatNumber(warn))"
            } else if let warn = t.warnBelow, value < warn {
                result.status = .warn
                result.message = "\(shown), below warn_below \(formatNumber(warn))"
            } else {
                result.status = .pass
                result.message = "\(shown), within \(result.thresholdText)"
            }
            if result.status == .fail, !metrics.notes.isEmpty, source.kind == .junit || source.kind == .sarif {
                let shownNotes = metrics.notes.prefix(3).joined(separator: "; ")
                let more = metrics.notes.count > 3 ? " (+\(metrics.notes.count - 3) more)" : ""
                result.message += " — \(shownNotes)\(more)"
            }
        }
        return result
    }

    private func judgeRehearsal(_ criterion: Criterion, _ found: RehearsalEvidence?, maxAge: Duration?) -> CriterionResult {
        var result = CriterionResult(
            id: criterion.id, status: .missing, key: criterion.key, value: nil, thresholds: Thresholds(),
            isRehearsal: true, measure: "rehearsal", message: "")
        guard let found else {
            result.message = "evidence missing: no rehearsal recorded; rehearse the playbook first"
            return result
        }
        result.value = .succeeded(found.succeeded)
        let run = found.identity
        if !found.succeeded {
            result.status = .fail
            result.message = "the last rehearsal failed\(run)" + (found.detail.map { ": \($0)" } ?? "")
            return result
        }
        if let stale = found.stale {
            result.status = .fail
            result.message = "the last successful rehearsal\(run) does not count: \(stale); rehearse again"
            return result
        }
        if let maxAge {
            let limit = Double(maxAge.components.seconds)
            guard let finished = found.finishedAt else {
                result.status = .fail
                result.message = "the rehearsal\(run) has no date, and max_age is set"
                return result
            }
            if now.timeIntervalSince(finished) > limit {
                result.status = .fail
                result.message = "the last successful rehearsal\(run) is older than max_age \(DurationFormat.format(maxAge))"
                return result
            }
        }
        result.status = .pass
        result.message = "the last rehearsal succeeded\(run)"
        return result
    }

    private func applyWaivers(to result: inout CriterionResult) {
        let waivers = policy.waivers.filter { $0.criterion == result.id }
        if let active = waivers.filter({ $0.isActive(on: today) }).max(by: { $0.expires < $1.expires }) {
            guard result.status != .pass else { return }
            result.message = "waived until \(active.expires): \(active.reason) (\(result.status.rawValue): \(result.message))"
            result.status = .waived
            result.waiver = active
        } else if let expired = waivers.max(by: { $0.expires < $1.expires }) {
            result.expiredWaiver = expired
            if result.status != .pass {
                result.message += " — waiver expired on \(expired.expires) (\(expired.reason))"
            }
        }
    }

    private func reasons(decision: Decision, results: [CriterionResult], warnings: Int) -> [String] {
        var reasons: [String] = []
        for result in results where result.blocks {
            reasons.append("key criterion '\(result.id)' \(result.status == .fail ? "failed" : "has no usable evidence"): \(result.message)")
        }
        let rule = policy.decision
        let count = "\(warnings) warning\(warnings == 1 ? "" : "s")"
        switch decision {
        case .proceed:
            reasons.append("every key criterion passed; \(count) (at most \(rule.proceedMaxWarnings) to proceed)")
        case .conditionalProceed:
            reasons.append("every key criterion passed; \(count): more than \(rule.proceedMaxWarnings), at most \(rule.conditionalMaxWarnings) — proceed with care")
        case .block:
            if reasons.isEmpty {
                reasons.append("\(count): more than the \(rule.conditionalMaxWarnings) a conditional release allows")
            }
        }
        for result in results where result.isWarning {
            reasons.append("warning '\(result.id)': \(result.message)")
        }
        return reasons
    }
}
