/// Why the engine could not run (or read) a run at all — as opposed to a step failing, which is a
/// normal outcome reported in `RunOutcome`.
public struct EngineError: Error, Sendable, CustomStringConvertible {
    public enum Code: String, Sendable {
        /// Another live run holds the workspace.
        case locked
        /// The journal could not be written or read.
        case journal
        /// The workspace or `.belay` folder is unusable.
        case workspace
        /// A rollback point could not be recorded or restored.
        case checkpoint
        /// The run named does not exist.
        case unknownRun
        /// The saga itself is unusable (duplicate ids, unknown `needs`…).
        case invalidSaga
        /// The run has ended; there is nothing to resume.
        case notResumable
        /// Files changed outside Belay since the run stopped (resume refuses unless forced).
        case workspaceChanged
        /// `belay approve` found no approval step waiting for a decision.
        case noApprovalPending
        /// The playbook file changed since the run started (resume and rollback refuse unless forced).
        case playbookChanged
        /// The request does not apply to this run as it stands (e.g. a rollback target whose work
        /// was already undone, resolving a compensation that did not fail).
        case refused
    }

    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}
