import BelayModel

/// A playbook: named phases of steps, each step a forward action paired with its compensation.
///
/// This is the validated playbook (docs/playbooks.md). It is produced by `PlaybookLoader`, which reports
/// every problem with its location before a model is built, so code holding a `Playbook` can trust it.
public struct Playbook: Sendable, Hashable {
    public var name: String
    public var description: String?
    /// The workspace folder as written in the playbook, relative to the playbook's folder.
    public var workspace: String?
    /// The shared store's URL (`store: postgres://…`); nil keeps runs in the workspace's `.belay/`.
    public var store: String?
    /// The environment lock a run takes in a shared store (`lock: prod-db`); nil: the playbook's
    /// name and workspace.
    public var lock: String?
    /// Variables in file order; overrides replace values here.
    public var vars: [Variable]
    /// Names of environment variables whose values are masked as `***` in every log and journal.
    public var secrets: [String]
    /// Extra environment for every command, in file order.
    public var env: [Variable]
    public var defaults: Defaults
    /// Webhooks told about the run: `http(s)://` URLs, or `$NAME` for one kept in an environment
    /// variable (a webhook URL is usually a secret).
    public var notify: [String] = []
    /// `capture:` entries in file order: state outside the workspace recorded at every point.
    public var captures: [Capture] = []
    /// Phases in file order; `executionOrder()` gives the order they run in.
    public var phases: [PlaybookPhase]
    /// Named sets of values (staging, production), in file order; one may be chosen per run.
    public var environments: [PlaybookEnvironment] = []
    /// What the values were resolved for: the chosen environment, and where each var came from.
    public var resolution = VariableResolution()
    /// Vars declared with `show: true`: the key values a run's history lists (a version, a target).
    public var shownVars: [String] = []

    public init(
        name: String, description: String? = nil, workspace: String? = nil, vars: [Variable] = [],
        secrets: [String] = [], env: [Variable] = [], defaults: Defaults = Defaults(), phases: [PlaybookPhase]
    ) {
        self.name = name
        self.description = description
        self.workspace = workspace
        self.vars = vars
        self.secrets = secrets
        self.env = env
        self.defaults = defaults
        self.phases = phases
    }

    public func phase(_ id: String) -> PlaybookPhase? { phases.first { $0.id == id } }
}

/// A name and a value, kept in the order the file gives them.
public struct Variable: Sendable, Hashable {
    public var name: String
    public var value: String
    /// Declared `{ secret: true }`: its value is masked as `***` wherever Belay writes, and never
    /// journaled, so a resume in a new process needs it again (`BELAY_VAR_<NAME>` or an override).
    public var secret: Bool
    /// False for a secret declared without a value and given none (the run cannot start).
    public var hasValue: Bool

    public init(_ name: String, _ value: String, secret: Bool = false, hasValue: Bool = true) {
        self.name = name
        self.value = value
        self.secret = secret
        self.hasValue = hasValue
    }
}

extension Playbook {
    /// Secret variables that have no value yet: the run needs them (from the environment or an override).
    public var missingSecrets: [String] { vars.filter { $0.secret && !$0.hasValue }.map(\.name) }

    /// The names of the secret variables.
    public var secretVariables: [String] { vars.filter(\.secret).map(\.name) }

    /// Variable values for display (plan, recaps): secret ones as `***`.
    public var displayedVars: [Variable] {
        vars.map { $0.secret ? Variable($0.name, "***", secret: true, hasValue: $0.hasValue) : $0 }
    }
}

/// Settings that apply to every step unless the step says otherwise.
public struct Defaults: Sendable, Hashable {
    public var timeout: Duration?
    public var retry: RetryPolicy
    /// The shell that runs each command as `<shell> -euo pipefail -c '<command>'`.
    public var shell: String

    public init(timeout: Duration? = nil, retry: RetryPolicy = RetryPolicy(), shell: String = "bash") {
        self.timeout = timeout
        self.retry = retry
        self.shell = shell
    }
}

/// A group of steps that ends in a rollback point.
public struct PlaybookPhase: Sendable, Hashable, Identifiable {
    public var id: String
    public var name: String?
    /// Phases that must complete first; `nil` means "the previous phase in the file".
    public var needs: [String]?
    /// Run the steps concurrently, at most `maxParallel` at a time (unbounded when `nil`).
    public var parallel: Bool
    public var maxParallel: Int?
    public var steps: [PlaybookStep]

    public init(
        id: String, name: String? = nil, needs: [String]? = nil, parallel: Bool = false,
        maxParallel: Int? = nil, steps: [PlaybookStep]
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

/// One forward action, its compensation and how to run them.
public struct PlaybookStep: Sendable, Hashable, Identifiable {
    public var id: String
    public var name: String?
    public var action: PlaybookAction
    /// The shell command that undoes `run`. Must be idempotent: it may run after a partial `run`.
    public var compensate: String?
    /// A post-condition; when it fails the step has failed.
    public var verify: String?
    /// Run when `run` times out or is interrupted, before compensation starts.
    public var cancel: String?
    public var timeout: Duration?
    public var retry: RetryPolicy?
    /// When `false`, a failure is recorded as a warning and the run goes on.
    public var critical: Bool
    /// When `true`, the step may be re-run after a crash left its outcome unknown.
    public var idempotent: Bool
    /// The step has no compensation on purpose.
    public var irreversible: Bool
    /// `checkpoint: before`: a rollback point `<phase>/<step>` is recorded just before it runs.
    public var checkpointBefore = false

    public init(
        id: String, name: String? = nil, action: PlaybookAction, compensate: String? = nil,
        verify: String? = nil, timeout: Duration? = nil, retry: RetryPolicy? = nil,
        critical: Bool = true, idempotent: Bool = false, irreversible: Bool = false
    ) {
        self.id = id
        self.name = name
        self.action = action
        self.compensate = compensate
        self.verify = verify
        self.timeout = timeout
        self.retry = retry
        self.critical = critical
        self.idempotent = idempotent
        self.irreversible = irreversible
    }
}

/// What a playbook step does going forward: exactly one of these.
public enum PlaybookAction: Sendable, Hashable {
    /// A shell command.
    case run(String)
    /// Evaluate a go/no-go policy; BLOCK fails the step.
    case gate(GateAction)
    /// Wait for a person to approve or reject.
    case approval(ApprovalAction)
}

