import Foundation

/// What the evaluator asks about a rehearsal criterion.
public struct RehearsalRequest: Sendable, Hashable {
    /// The policy file being evaluated.
    public var policyFile: String
    public var gate: String
    public var criterion: String
    /// The playbook the gate guards, when the gate runs as a playbook step.
    public var playbook: String?

    public init(policyFile: String, gate: String, criterion: String, playbook: String? = nil) {
        self.policyFile = policyFile
        self.gate = gate
        self.criterion = criterion
        self.playbook = playbook
    }
}

/// The outcome of the last rehearsal (a full run and rollback in a scratch workspace).
public struct RehearsalEvidence: Sendable, Hashable {
    public var succeeded: Bool
    public var runID: String?
    public var finishedAt: Date?
    /// A line for the report, such as what failed.
    public var detail: String?
    /// Why it no longer proves anything about the playbook as it is (`migrations/003.down.sql changed
    /// since`), or nil while every file it reached is unchanged.
    public var stale: String?
    /// The variables it ran with.
    public var vars: [String: String]?
    /// The captures it proved back at their start state after the unwind (a database schema).
    public var captures: [String]?

    public init(
        succeeded: Bool, runID: String? = nil, finishedAt: Date? = nil, detail: String? = nil, stale: String? = nil,
        vars: [String: String]? = nil, captures: [String]? = nil
    ) {
        self.captures = captures
        self.succeeded = succeeded
        self.runID = runID
        self.finishedAt = finishedAt
        self.detail = detail
        self.stale = stale
        self.vars = vars
    }

    /// "(run r1, 2026-11-21T15:30:12Z, vars a=1 b=2)" for reports.
    var identity: String {
        var parts: [String] = []
        if let runID { parts.append("run \(runID)") }
        if let finishedAt { parts.append("finished \(ISO8601DateFormatter().string(from: finishedAt))") }
        if let vars, !vars.isEmpty {
            parts.append("vars " + vars.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " "))
        }
        if let captures, !captures.isEmpty { parts.append("captures proven " + captures.joined(separator: ", ")) }
        return parts.isEmpty ? "" : " (\(parts.joined(separator: ", ")))"
    }
}

/// Finds rehearsal evidence; `nil` means there is none (the criterion's evidence is missing).
public typealias RehearsalLookup = @Sendable (RehearsalRequest) -> RehearsalEvidence?
