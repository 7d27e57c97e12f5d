/// A named set of values for one place a playbook deploys to (staging, production), so one playbook
/// serves them all without a long line of overrides.
///
/// Its vars replace the playbook's defaults, its env entries are added to (or replace) the playbook's,
/// its secrets are masked along with the playbook's, and its lock names what the run holds.
public struct PlaybookEnvironment: Sendable, Hashable {
    public var name: String
    public var description: String?
    public var vars: [Variable]
    public var env: [Variable]
    public var secrets: [String]
    /// The name of the lock a run in this environment takes (recorded with the run).
    public var lock: String?

    public init(
        name: String, description: String? = nil, vars: [Variable] = [], env: [Variable] = [],
        secrets: [String] = [], lock: String? = nil
    ) {
        self.name = name
        self.description = description
        self.vars = vars
        self.env = env
        self.secrets = secrets
        self.lock = lock
    }
}

/// Where a var's effective value came from, lowest precedence first.
public enum VariableOrigin: Sendable, Hashable {
    /// The default under the playbook's `vars:`.
    case playbook
    /// The chosen environment's `vars:`.
    case environment(String)
    /// A vars file (its path as given).
    case file(String)
    /// A value given one at a time from outside (a front end's override).
    case override
    /// A secret's value from the process environment, under this name (`BELAY_VAR_TOKEN`).
    case processEnvironment(String)
}

/// What a playbook's values were resolved for.
public struct VariableResolution: Sendable, Hashable {
    /// The chosen environment, if any.
    public var environment: String?
    /// Every var's origin, by name.
    public var origins: [String: VariableOrigin] = [:]
    /// Where each env entry came from: the playbook or the chosen environment.
    public var envOrigins: [String: VariableOrigin] = [:]

    public init(environment: String? = nil) { self.environment = environment }
}

extension Playbook {
    public func environment(named name: String) -> PlaybookEnvironment? { environments.first { $0.name == name } }

    /// The chosen environment's lock name, if it gives one.
    public var lockName: String? { resolution.environment.flatMap { environment(named: $0)?.lock } }
}
