import BelayGate
import BelayPlaybook
import BelaySupport
import Foundation

/// Decides gate and approval steps for the engine. The engine journals every request and decision
/// itself; a handler only supplies the two judgements it cannot make alone: the gate's evaluation
/// (evidence readers and a policy) and an answer to an approval question (a person, or a rule).
public protocol GateStepHandler: Sendable {
    /// Evaluates a gate step's policy. Throws (with a human message) when the policy is unusable.
    func evaluate(_ gate: GateAction, context: StepContext, rehearsal: RehearsalLookup?) async throws -> GateReport

    /// Answers an approval now, or returns `nil` when nobody can answer in this process (the run then
    /// ends `waiting_approval`, or the approval times out when its deadline has passed).
    func answer(_ request: ApprovalRequest, context: StepContext) async -> ApprovalAnswer?

    /// `false` in a rehearsal: a gate's decision is recorded but never stops the run.
    var enforcesGates: Bool { get }
}

extension GateStepHandler {
    public var enforcesGates: Bool { true }
}

/// An approval question as the engine asks it.
public struct ApprovalRequest: Sendable, Hashable {
    public var run: String
    public var step: RunState.StepKey
    /// The message, with `{{ vars.x }}` filled in.
    public var message: String
    /// When the wait ends (nil: no timeout).
    public var deadline: Date?

    public init(run: String, step: RunState.StepKey, message: String, deadline: Date?) {
        self.run = run
        self.step = step
        self.message = message
        self.deadline = deadline
    }
}

/// Someone's answer to an approval.
public struct ApprovalAnswer: Sendable, Hashable {
    public var approved: Bool
    public var by: String
    public var comment: String?
    /// How the answer came about when nobody typed it (for the journal).
    public var note: String?

    public init(approved: Bool, by: String, comment: String? = nil, note: String? = nil) {
        self.approved = approved
        self.by = by
        self.comment = comment
        self.note = note
    }
}

/// Asks a person; `nil` when the deadline passed (or input ended) without an answer.
public protocol ApprovalPrompt: Sendable {
    func ask(_ request: ApprovalRequest) async -> ApprovalAnswer?
}

/// How approvals are answered.
public enum ApprovalMode: Sendable {
    /// Nobody to ask here: the run ends `waiting_approval` until a decision is recorded and the run resumed.
    case wait
    /// Ask a person (a terminal).
    case ask(any ApprovalPrompt)
    /// Approve at once, as `by` (a rehearsal).
    case autoApprove(by: String, note: String)
}

/// The handler `belay run` uses: gate policies read from the workspace with BelayGate, approvals
/// answered per `approvals`.
public struct StandardGateSteps: GateStepHandler {
    public var approvals: ApprovalMode
    public var enforcesGates: Bool

    public init(approvals: ApprovalMode = .wait, enforcesGates: Bool = true) {
        self.approvals = approvals
        self.enforcesGates = enforcesGates
    }

    /// Loads `gate.policy` (relative to the workspace). Globs inside the policy stay relative to the
    /// policy file's folder.
    public func evaluate(_ gate: GateAction, context: StepContext, rehearsal: RehearsalLookup?) async throws
        -> GateReport
    {
        let path = gate.policy.hasPrefix("/") ? gate.policy : context.workspace.appendingPathComponent(gate.policy).path
        let policy: GatePolicy
        do { policy = try GatePolicy.load(path: path) } catch {
            throw GateStepError(message: "the policy \(gate.policy) is invalid:\n\(error.description)")
        }
        do {
            return try GateEvaluator(policy: policy, today: .today(), playbook: nil, rehearsal: rehearsal).evaluate()
        } catch {
            throw GateStepError(message: "the policy \(gate.policy) cannot be evaluated: \(error.description)")
        }
    }

    public func answer(_ request: ApprovalRequest, context: StepContext) async -> ApprovalAnswer? {
        switch approvals {
        case .wait: nil
        case .ask(let prompt): await prompt.ask(request)
        case .autoApprove(let by, let note): ApprovalAnswer(approved: true, by: by, note: note)
        }
    }
}

struct GateStepError: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}

/// Who is deciding (`approve`) or acting (`resolve`), when nobody says: `$USER`, `$LOGNAME`, then
/// the account the process runs as, since containers and CI runners often set neither variable and
/// the journal must still say who did it.
public enum ApprovalIdentity {
    public static var currentUser: String {
        let environment = ProcessInfo.processInfo.environment
        return environment["USER"].flatMap { $0.isEmpty ? nil : $0 }
            ?? environment["LOGNAME"].flatMap { $0.isEmpty ? nil : $0 }
            ?? accountName ?? "unknown"
    }

    private static var accountName: String? {
        guard let entry = getpwuid(geteuid()), let name = entry.pointee.pw_name else { return nil }
        let text = String(cString: name)
        return text.isEmpty ? nil : text
    }
}
