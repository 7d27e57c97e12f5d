/// A command whose output describes state outside the workspace (a database schema, a symlink on a
/// server, a service's version). Belay runs it at every rollback point and keeps its output with the
/// point, so points, diffs, rollbacks and rehearsals see the target and not only the files.
public struct Capture: Sendable, Hashable {
    /// What a difference found after a rollback or an unwind means.
    public enum Verify: String, Sendable, Hashable, CaseIterable {
        /// A warning with the diff; the rollback still counts as done.
        case warn
        /// A failure: the rollback did not give the target back.
        case strict
    }

    /// The capture's name: one `[a-z0-9][a-z0-9_-]*` word, unique in the playbook.
    public var name: String
    /// A shell command, templated with `{{ vars.NAME }}` like a step's; its standard output is kept.
    public var command: String
    /// A failing capture stops the run (as a failed step would) instead of being recorded as failed.
    public var required: Bool
    public var verify: Verify
    /// No limit when nil: Belay's default of 60 seconds applies.
    public var timeout: Duration?

    public init(name: String, command: String, required: Bool = false, verify: Verify = .warn, timeout: Duration? = nil) {
        self.name = name
        self.command = command
        self.required = required
        self.verify = verify
        self.timeout = timeout
    }
}
