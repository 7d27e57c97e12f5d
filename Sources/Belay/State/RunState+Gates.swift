import Foundation

extension RunState {
    /// What a gate step decided (the full report is in the file `report` names).
    public struct GateRecord: Sendable, Hashable {
        /// `PROCEED`, `CONDITIONAL_PROCEED` or `BLOCK`.
        public var decision: String
        /// Each criterion's status by id.
        public var criteria: [String: String]
        /// The main reason, in one line.
        public var summary: String?
        /// `.belay/runs/<run>/gates/<phase>.<step>.json`, relative to the workspace.
        public var report: String?
        public var time: String
    }

    /// An approval step's question and, once given, its answer.
    public struct ApprovalRecord: Sendable, Hashable {
        public var message: String
        /// When the wait started (UTC, ISO 8601): timeouts count from here, across processes.
        public var requestedTime: String
        /// When the wait ends, if the approval has a timeout.
        public var deadline: String?
        /// `approved` or `rejected`, once decided.
        public var decision: String?
        public var by: String?
        public var comment: String?
        public var decidedTime: String?
        /// How the decision came about when nobody typed it (a timeout, a rehearsal).
        public var note: String?
        /// The step has had its outcome since: a new run of the step asks again.
        public var settled = false

        public var approved: Bool { decision == "approved" }
        public var deadlineDate: Date? { deadline.flatMap(JournalClock.parse) }
        public var requestedAt: Date? { JournalClock.parse(requestedTime) }
    }

    mutating func applyGateEvent(_ event: JournalEvent) {
        guard let phase = event.phase, let step = event.step else { return }
        let key = StepKey(phase: phase, step: step)
        switch event.event {
        case .gateEvaluated:
            gates[key] = GateRecord(
                decision: event.decision?.rawValue ?? "?", criteria: event.criteria ?? [:], summary: event.note,
                report: event.log, time: event.time)
        case .approvalRequested:
            approvals[key] = ApprovalRecord(message: event.note ?? "", requestedTime: event.time, deadline: event.deadline)
            waitingApproval = key
        case .approvalRecorded:
            var record = approvals[key] ?? ApprovalRecord(message: "", requestedTime: event.time)
            record.decision = event.decision?.rawValue
            record.by = event.by
            record.comment = event.comment
            record.decidedTime = event.time
            record.note = event.note
            approvals[key] = record
            if waitingApproval == key { waitingApproval = nil }
        case .runWaiting:
            status = .waitingApproval
        default:
            break
        }
    }

    /// A step's outcome uses up its approval: if the step runs again (after a pause), it asks again.
    mutating func settleApproval(after event: JournalEvent) {
        // Most runs ask for no approval: then no step's key is worth hashing (once per outcome).
        guard !approvals.isEmpty || waitingApproval != nil else { return }
        switch event.event {
        case .stepSucceeded, .stepFailed, .stepWarning:
            guard let phase = event.phase, let step = event.step else { return }
            let key = StepKey(phase: phase, step: step)
            approvals[key]?.settled = true
            if waitingApproval == key { waitingApproval = nil }
        default:
            break
        }
    }
}
