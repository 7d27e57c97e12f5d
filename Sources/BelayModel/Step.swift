import Foundation

/// What an action does: a shell command, Swift code, or (for playbooks) a gate or an approval.
public enum StepWork: Sendable {
    /// A command with `{{ vars.x }}` / `{{ steps.p.s.key }}` placeholders, run by the saga's shell.
    case shell(String)
    /// Swift code. It receives the JSON of the step's output value (nil for the forward action, or
    /// when the forward action produced none) and returns the JSON of its own value.
    case code(@Sendable (StepContext, String?) async throws -> String?)
    /// Evaluate a go/no-go policy (handled by a `GateStepHandler`).
    case gate(GateAction)
    /// Wait for a person (handled by a `GateStepHandler`).
    case approval(ApprovalAction)

    public var isShell: Bool { if case .shell = self { true } else { false } }

    /// Gates and approvals decide; they change nothing in the workspace.
    public var isGateOrApproval: Bool {
        switch self {
        case .gate, .approval: true
        case .shell, .code: false
        }
    }
}

/// One forward action, its compensation and how to run them.
public struct Step: Sendable, Identifiable {
    public var id: String
    public var name: String?
    public var run: StepWork
    /// Undoes `run`. Must be idempotent: it also runs after a failed or interrupted `run`.
    /// `nil` makes the step irreversible (skipped, with a note, when unwinding).
    public var compensate: StepWork?
    /// A post-condition checked after `run`; a failing verify fails the attempt.
    public var verify: StepWork?
    /// Run when `run` is timed out or interrupted, before any compensation: for work the killed
    /// process leaves running elsewhere (a query still holding its locks in a database server).
    public var cancel: StepWork?
    public var timeout: Duration?
    public var retry: RetryPolicy?
    /// When `false`, a failure is recorded as a warning and the run goes on.
    public var critical: Bool
    /// When `true`, `resume` may re-run the step after a crash left its outcome unknown.
    public var idempotent: Bool
    /// Record a rollback point `<phase>/<step>` just before the step runs ("before risky operations").
    public var checkpointBefore = false

    public init(
        id: String, name: String? = nil, run: StepWork, compensate: StepWork? = nil, verify: StepWork? = nil,
        timeout: Duration? = nil, retry: RetryPolicy? = nil, critical: Bool = true, idempotent: Bool = false
    ) {
        self.id = id
        self.name = name
        self.run = run
        self.compensate = compensate
        self.verify = verify
        self.timeout = timeout
        self.retry = retry
        self.critical = critical
        self.idempotent = idempotent
    }

    /// A step whose actions are shell commands.
    public init(
        _ id: String, name: String? = nil, command: String, compensate: String? = nil, verify: String? = nil,
        timeout: Duration? = nil, retry: RetryPolicy? = nil, critical: Bool = true, idempotent: Bool = false
    ) {
        self.init(
            id: id, name: name, run: .shell(command), compensate: compensate.map(StepWork.shell),
            verify: verify.map(StepWork.shell), timeout: timeout, retry: retry, critical: critical,
            idempotent: idempotent)
    }

    /// A step in Swift. The value `run` returns is journaled as JSON and handed to `compensate` (and
    /// `verify`), even by a later process resuming the run. `compensate` gets `nil` when `run` failed
    /// or was interrupted before returning a value: it must then undo whatever part may have happened.
    public init<Output: Codable & Sendable>(
        _ id: String, name: String? = nil, timeout: Duration? = nil, retry: RetryPolicy? = nil,
        critical: Bool = true, idempotent: Bool = false,
        run: @escaping @Sendable (StepContext) async throws -> Output,
        compensate: (@Sendable (StepContext, Output?) async throws -> Void)? = nil,
        verify: (@Sendable (StepContext, Output) async throws -> Void)? = nil
    ) {
        let forward: StepWork = .code { context, _ in try StepValue.encode(try await run(context)) }
        let undo: StepWork? = compensate.map { compensate in
            .code { context, json in
                try await compensate(context, try json.map { try StepValue.decode(Output.self, from: $0) })
                return nil
            }
        }
        let check: StepWork? = verify.map { verify in
            .code { context, json in
                guard let json else { throw StepValue.missing(id) }
                try await verify(context, try StepValue.decode(Output.self, from: json))
                return nil
            }
        }
        self.init(
            id: id, name: name, run: forward, compensate: undo, verify: check, timeout: timeout, retry: retry,
            critical: critical, idempotent: idempotent)
    }

    /// A step in Swift with no value to hand over.
    public init(
        _ id: String, name: String? = nil, timeout: Duration? = nil, retry: RetryPolicy? = nil,
        critical: Bool = true, idempotent: Bool = false,
        run: @escaping @Sendable (StepContext) async throws -> Void,
        compensate: (@Sendable (StepContext) async throws -> Void)? = nil
    ) {
        self.init(
            id: id, name: name, run: .code { context, _ in try await run(context); return nil },
            compensate: compensate.map { compensate in .code { context, _ in try await compensate(context); return nil } },
            timeout: timeout, retry: retry, critical: critical, idempotent: idempotent)
    }
}

/// JSON for the values code-defined steps hand to their compensations.
package enum StepValue {
    package static func encode(_ value: some Encodable) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    package static func decode<T: Decodable>(_ type: T.Type, from json: String) throws -> T {
        try JSONDecoder().decode(T.self, from: Data(json.utf8))
    }

    struct Missing: Error, CustomStringConvertible {
        var step: String
        var description: String { "step '\(step)' produced no value to verify" }
    }

    static func missing(_ step: String) -> Missing { Missing(step: step) }
}
