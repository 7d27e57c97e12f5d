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

    public init(succeeded: Bool, runID: String? = nil, finishedAt: Date? = nil, detail: String? = nil) {
        self.succeeded = succeeded
        self.runID = runID
        self.finishedAt = finishedAt
        self.detail = detail
    }
}

/// Finds rehearsal evidence; `nil` means there is none (the criterion's evidence is missing).
public typealias RehearsalLookup = @Sendable (RehearsalRequest) -> RehearsalEvidence?
