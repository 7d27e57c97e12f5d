/// The outcome of one criterion.
public enum CriterionStatus: String, Sendable, Hashable, Codable {
    case pass, warn, fail, missing, waived

    public var symbol: String {
        switch self {
        case .pass: "✓"
        case .warn: "⚠"
        case .fail, .missing: "✗"
        case .waived: "~"
        }
    }
}

/// A criterion's measured value: a number, or whether a rehearsal succeeded.
public enum CriterionValue: Sendable, Hashable {
    case number(Double)
    case succeeded(Bool)

    public var text: String {
        switch self {
        case .number(let value): formatNumber(value)
        case .succeeded(let ok): ok ? "succeeded" : "failed"
        }
    }
}

/// One criterion as evaluated.
public struct CriterionResult: Sendable, Hashable {
    public var id: String
    public var status: CriterionStatus
    public var key: Bool
    public var value: CriterionValue?
    public var thresholds: Thresholds
    public var isRehearsal: Bool
    /// What was measured: `tests.failed`, `perf:metrics.p95`, `rehearsal`.
    public var measure: String
    /// Why the status is what it is, in one sentence.
    public var message: String
    /// The waiver that applied (status `waived`).
    public var waiver: Waiver?
    /// A waiver for this criterion that has run out.
    public var expiredWaiver: Waiver?

    /// Blocks the release on its own: a key criterion that failed or lacks evidence.
    public var blocks: Bool { key && (status == .fail || status == .missing) }

    /// Counts one warning: in a warn range, or a non-key criterion that failed or lacks evidence.
    public var isWarning: Bool {
        status == .warn || (!key && (status == .fail || status == .missing))
    }

    /// ✓ pass, ⚠ for anything that counts a warning, ✗ for what blocks, ~ waived.
    public var symbol: String {
        if blocks { return "✗" }
        return isWarning ? "⚠" : status.symbol
    }

    /// `≤ 0`, `≥ 0.8 (warn < 0.85)`, `succeeded`.
    public var thresholdText: String {
        if isRehearsal { return "succeeded" }
        var parts: [String] = []
        if let min = thresholds.min { parts.append("≥ \(formatNumber(min))") }
        if let max = thresholds.max { parts.append("≤ \(formatNumber(max))") }
        var warns: [String] = []
        if let warn = thresholds.warnBelow { warns.append("< \(formatNumber(warn))") }
        if let warn = thresholds.warnAbove { warns.append("> \(formatNumber(warn))") }
        var text = parts.joined(separator: ", ")
        if !warns.isEmpty { text += (text.isEmpty ? "" : " ") + "(warn \(warns.joined(separator: ", ")))" }
        return text
    }
}

/// Everything a gate decided and why; rendered as text, JSON, Markdown or JUnit.
public struct GateReport: Sendable {
    public var gate: String
    public var policyFile: String
    public var decision: Decision
    public var warnings: Int
    public var rule: DecisionRule
    public var criteria: [CriterionResult]
    /// Every source of the policy, in policy order, with the files it read.
    public var evidence: [SourceEvidence]
    public var rehearsal: RehearsalEvidence?
    public var expiredWaivers: [Waiver]
    /// The decision explained, most important first.
    public var reasons: [String]

    public var blocking: [CriterionResult] { criteria.filter(\.blocks) }
}

func formatNumber(_ value: Double) -> String {
    if value == value.rounded(), abs(value) < 1e15 { return String(Int(value)) }
    var text = String(format: "%.4f", value)
    while text.hasSuffix("0") { text.removeLast() }
    if text.hasSuffix(".") { text.removeLast() }
    return text
}

import Foundation
