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
    /// Names of variables (in `vars`) that are secret: masked everywhere, and never journaled.
    public var secretVars: Set<String> = []
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
    /// The environment the values were chosen for (journaled, so `resume` chooses it again).
    public var environment: String?
    /// The lock name the chosen environment gives (journaled; a shared lock store can key on it).
    public var lockName: String?
    /// Vars whose values a run's history shows (a version, a target).
    public var shownVars: [String] = []
    /// Webhooks told about the run (started, waiting, failed, ended): `http(s)://` URLs, or `$NAME`
    /// for a URL kept in an environment variable. The engine never calls them; whoever drives the
    /// run (the command line) does.
    public var notify: [String] = []
    /// Commands whose output is kept with every rollback point (docs/captures.md).
    public var captures: [Capture] = []

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

    /// The variables that may be written down (journal, snapshots): every one but the secret ones.
    public var recordableVars: [String: String] { vars.filter { !secretVars.contains($0.key) } }

    /// The values of the secret variables.
    public var secretValues: [String] { secretVars.compactMap { vars[$0] } }

    /// Phases in dependency order: a phase runs after everything it `needs` (by default, the
    /// previous phase), ties broken by declaration order.
    /// - Throws: `SagaError` for duplicate ids, unknown `needs` or a cycle.
    public func executionOrder() throws(SagaError) -> [Phase] {
        var seen = Set<String>()
        for phase in phases where !seen.insert(phase.id).inserted {
            throw .duplicatePhase(phase.id)
        }
        for phase in phases {
            if phase.id == PointName.start { throw .reservedPhaseID(phase.id) }
            for need in phase.needs ?? [] where !seen.contains(need) {
                throw .unknownNeed(phase: phase.id, need: need)
            }
        }
        let graph = PhaseGraph(ids: phases.map(\.id), needs: phases.map(\.needs))
        if let cycle = graph.cycles().first {
            throw .cycle((cycle + [cycle[0]]).map { phases[$0].id })
        }
        let order = graph.order().map { phases[$0] }
        for phase in order {
            var stepIDs = Set<String>()
            for step in phase.steps where !stepIDs.insert(step.id).inserted {
                throw .duplicateStep(phase: phase.id, step: step.id)
            }
        }
        return order
    }
}
