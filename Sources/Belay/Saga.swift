import BelayPlaybook
import Foundation

/// Collects the phases of a saga, or the steps of a phase, written one per line.
@resultBuilder
public enum ListBuilder<Element> {
    public static func buildExpression(_ element: Element) -> [Element] { [element] }
    public static func buildExpression(_ elements: [Element]) -> [Element] { elements }
    public static func buildBlock(_ parts: [Element]...) -> [Element] { parts.flatMap { $0 } }
    public static func buildOptional(_ part: [Element]?) -> [Element] { part ?? [] }
    public static func buildEither(first: [Element]) -> [Element] { first }
    public static func buildEither(second: [Element]) -> [Element] { second }
    public static func buildArray(_ parts: [[Element]]) -> [Element] { parts.flatMap { $0 } }
}

/// How often a step's action (and its compensation) is tried. Same type as the playbook's `retry:`.
public typealias RetryPolicy = BelayPlaybook.RetryPolicy

/// A saga: phases of steps, each step a forward action paired with its compensation.
///
/// Playbooks compile into this same value (`Saga(playbook:)`), so code-defined sagas and playbooks
/// share one engine, one journal format and the same rollback points.
///
/// ```swift
/// let saga = Saga("provision") {
///     Phase("storage") {
///         Step("bucket", run: { ctx in try await createBucket() },
///              compensate: { ctx, bucket in if let bucket { try await deleteBucket(bucket) } })
///     }
/// }
/// ```
public struct Saga: Sendable {
    public var name: String
    public var description: String?
    public var phases: [Phase]
    /// Values for `{{ vars.name }}` and `BELAY_VAR_<NAME>`.
    public var vars: [String: String]
    /// Extra environment for every shell action.
    public var env: [String: String]
    /// Names of environment variables whose values are masked as `***` everywhere Belay writes.
    public var secrets: [String]
    /// The shell for shell actions (`<shell> -euo pipefail -c <command>`).
    public var shell: String
    /// Timeout for steps that set none.
    public var defaultTimeout: Duration?
    /// Retry policy for steps that set none.
    public var defaultRetry: RetryPolicy
    /// The playbook text, snapshotted into the run folder as `playbook.yml`.
    public var source: String?
    /// The playbook file (journaled, so `resume` can tell whether it changed since).
    public var sourcePath: String?

    public init(
        _ name: String, description: String? = nil, vars: [String: String] = [:], env: [String: String] = [:],
        secrets: [String] = [], shell: String = "bash", defaultTimeout: Duration? = nil,
        defaultRetry: RetryPolicy = RetryPolicy(), @ListBuilder<Phase> phases: () -> [Phase]
    ) {
        self.name = name
        self.description = description
        self.vars = vars
        self.env = env
        self.secrets = secrets
        self.shell = shell
        self.defaultTimeout = defaultTimeout
        self.defaultRetry = defaultRetry
        self.phases = phases()
        self.source = nil
    }

    public func phase(_ id: String) -> Phase? { phases.first { $0.id == id } }

    /// Phases in dependency order: a phase runs after everything it `needs` (by default, the
    /// previous phase), ties broken by declaration order.
    /// - Throws: `EngineError(.invalidSaga)` for duplicate ids, unknown `needs` or a cycle.
    public func executionOrder() throws -> [Phase] {
        var seen = Set<String>()
        for phase in phases where !seen.insert(phase.id).inserted {
            throw EngineError(.invalidSaga, "the phase id '\(phase.id)' is used twice")
        }
        for phase in phases {
            for need in phase.needs ?? [] where !seen.contains(need) {
                throw EngineError(.invalidSaga, "phase '\(phase.id)' needs '\(need)', which is not a phase of the saga")
            }
        }
        let graph = PhaseGraph(ids: phases.map(\.id), needs: phases.map(\.needs))
        if let cycle = graph.cycles().first {
            let names = (cycle + [cycle[0]]).map { phases[$0].id }.joined(separator: " → ")
            throw EngineError(.invalidSaga, "the phases need each other in a cycle: \(names)")
        }
        let order = graph.order().map { phases[$0] }
        for phase in order {
            var stepIDs = Set<String>()
            for step in phase.steps where !stepIDs.insert(step.id).inserted {
                throw EngineError(.invalidSaga, "the step id '\(step.id)' is used twice in phase '\(phase.id)'")
            }
        }
        return order
    }
}

/// A group of steps that ends in a rollback point.
public struct Phase: Sendable, Identifiable {
    public var id: String
    public var name: String?
    /// Phases that must complete first; `nil` means the previous phase.
    public var needs: [String]?
    /// Run the steps concurrently, at most `maxParallel` at a time (unbounded when `nil`).
    public var parallel: Bool
    public var maxParallel: Int?
    public var steps: [Step]

    public init(
        _ id: String, name: String? = nil, needs: [String]? = nil, parallel: Bool = false, maxParallel: Int? = nil,
        @ListBuilder<Step> steps: () -> [Step]
    ) {
        self.init(id: id, name: name, needs: needs, parallel: parallel, maxParallel: maxParallel, steps: steps())
    }

    public init(
        id: String, name: String? = nil, needs: [String]? = nil, parallel: Bool = false, maxParallel: Int? = nil,
        steps: [Step]
    ) {
        self.id = id
        self.name = name
        self.needs = needs
        self.parallel = parallel
        self.maxParallel = maxParallel
        self.steps = steps
    }

    public var title: String { name ?? id }
}

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

    var isShell: Bool { if case .shell = self { true } else { false } }
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
    public var timeout: Duration?
    public var retry: RetryPolicy?
    /// When `false`, a failure is recorded as a warning and the run goes on.
    public var critical: Bool
    /// When `true`, `resume` may re-run the step after a crash left its outcome unknown.
    public var idempotent: Bool

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
enum StepValue {
    static func encode(_ value: some Encodable) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    static func decode<T: Decodable>(_ type: T.Type, from json: String) throws -> T {
        try JSONDecoder().decode(T.self, from: Data(json.utf8))
    }

    struct Missing: Error, CustomStringConvertible {
        var step: String
        var description: String { "step '\(step)' produced no value to verify" }
    }

    static func missing(_ step: String) -> Missing { Missing(step: step) }
}
