import BelayModel
/// The keys each part of a playbook accepts (docs/playbooks.md), for unknown-key checks and "did you mean".
enum PlaybookSchema {
    static let playbook = ["name", "description", "workspace", "store", "lock", "vars", "secrets", "env", "defaults", "notify", "capture", "phases", "environments"]
    /// A capture written as a mapping: `schema: { run: pg_dump ..., required: true }`.
    static let capture = ["run", "required", "verify", "timeout"]
    static let environment = ["description", "vars", "env", "secrets", "lock"]
    /// A var written as a mapping: `version: { value: 1.2.0, show: true }`.
    static let variable = ["value", "show", "secret"]
    static let defaults = ["timeout", "retry", "shell"]
    static let retry = ["attempts", "delay", "backoff", "max_delay"]
    static let phase = ["id", "name", "needs", "parallel", "max_parallel", "steps"]
    static let step = [
        "id", "name", "run", "gate", "approval", "compensate", "verify", "cancel", "timeout", "retry", "critical",
        "idempotent", "irreversible", "checkpoint",
    ]
    static let gate = ["policy", "on_conditional"]
    static let approval = ["message", "timeout", "on_timeout"]
    /// Exactly one of these says what a step does.
    static let actions = ["run", "gate", "approval"]
}
