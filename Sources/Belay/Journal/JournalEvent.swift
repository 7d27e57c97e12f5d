import Foundation

/// One line of a run's journal (`.belay/runs/<run>/journal.jsonl`).
///
/// The journal is the run's write-ahead log: every event is fsync'd before Belay acts on it, and
/// the run's state (`RunState`) is a pure fold of these events. Fields are flat and optional so a
/// line stays readable with `jq` and old journals stay decodable when fields are added; where a
/// field takes a fixed set of values it is an enum here, with the same text on disk
/// (docs/state.md and docs/engine.md give the format).
public struct JournalEvent: Sendable, Hashable, Codable {
    /// What happened. Raw values are the `event` field of the journal (a contract for tools reading it).
    public enum Kind: String, Sendable, Hashable, Codable, CaseIterable {
        case runStarted = "run_started"
        case lockTakenOver = "lock_taken_over"
        /// Someone freed the run's lock by hand while the run held it (`by`, `note`, `lock`): its
        /// process can write nothing more. Like `warning`, it changes nothing in the run's state.
        case lockReleased = "lock_released"
        case checkpointRecorded = "checkpoint_recorded"
        case phaseStarted = "phase_started"
        case phaseCompleted = "phase_completed"
        case phaseSkipped = "phase_skipped"
        case stepStarted = "step_started"
        case attemptStarted = "attempt_started"
        /// A shell action's process was spawned: its process group and the group leader's start time,
        /// so a later Belay process can tell whether it outlived the one that started it.
        case processStarted = "process_started"
        /// A process group of a step outlived the Belay process that started it; Belay waits for it
        /// (until `deadline`, if the step has a timeout) before deciding anything about the step.
        case orphanFound = "orphan_found"
        /// That process group is gone: it ended by itself, or was terminated (`note` says which).
        case orphanEnded = "orphan_ended"
        /// That process group was started on another machine (`machine`), whose processes cannot be
        /// seen from here: the step's outcome is unknown and is decided as after a crash.
        case orphanElsewhere = "orphan_elsewhere"
        case attemptFinished = "attempt_finished"
        case stepSucceeded = "step_succeeded"
        case stepFailed = "step_failed"
        case stepWarning = "step_warning"
        /// A second signal killed the step's (or compensation's) process: its outcome is unknown.
        case stepInterrupted = "step_interrupted"
        case compensationStarted = "compensation_started"
        case compensationSucceeded = "compensation_succeeded"
        case compensationFailed = "compensation_failed"
        case compensationSkipped = "compensation_skipped"
        case stepResolved = "step_resolved"
        /// A rollback to `point` began: the phases after `point` are compensated, newest first.
        case rollbackStarted = "rollback_started"
        case workspaceRestored = "workspace_restored"
        case runResumed = "run_resumed"
        case runCompleted = "run_completed"
        case runCompensated = "run_compensated"
        /// The rollback to `point` finished: compensations done and the point's tree restored.
        case runRolledBack = "run_rolled_back"
        case runStuck = "run_stuck"
        case runPaused = "run_paused"
        case runFailed = "run_failed"
        // The go/no-go gate in playbooks (gate and approval steps).
        case gateEvaluated = "gate_evaluated"
        case approvalRequested = "approval_requested"
        case approvalRecorded = "approval_recorded"
        case runWaiting = "run_waiting"
        /// The playbook's captures were run for the rollback point `point` and kept in `commit`;
        /// `captures` says `recorded` or `failed` for each (docs/captures.md).
        case capturesRecorded = "captures_recorded"
        /// After a rollback or an unwind, the captures were run again and compared with the point
        /// `point`: `captures` says `verified`, `differs` or `not_compared` for each; `note` holds the diffs.
        case capturesVerified = "captures_verified"
        /// Before a forced `resume` or `rollback`: captures that differed from the run's last point.
        case capturesDrifted = "captures_drifted"
        /// Something around the run went wrong without touching it (a notification that could not
        /// be delivered); `note` says what. It changes nothing in the run's state.
        case warning
    }

    /// One phase of the plan announced by `run_started`, so a reader knows every pending step.
    public struct PlannedPhase: Sendable, Hashable, Codable {
        public var id: String
        public var name: String?
        public var parallel: Bool?
        public var steps: [String]

        public init(id: String, name: String? = nil, parallel: Bool? = nil, steps: [String]) {
            self.id = id
            self.name = name
            self.parallel = parallel
            self.steps = steps
        }
    }

    /// A decision recorded by a gate step (the gate's) or an approval step (a person's).
    public enum Decision: String, Sendable, Hashable, Codable {
        case proceed = "PROCEED"
        case conditionalProceed = "CONDITIONAL_PROCEED"
        case block = "BLOCK"
        case approved, rejected
    }

    /// Position in the journal, from 1.
    public var seq: Int
    /// UTC, ISO 8601 with milliseconds.
    public var time: String
    public var event: Kind

    public var run: String?
    public var playbook: String?
    public var workspace: String?
    public var onFailure: FailurePolicy?
    public var plan: [PlannedPhase]?
    /// The run's variables (with overrides), so a resume rebuilds the same commands.
    public var vars: [String: String]?
    /// The playbook file the run was started from (absolute path).
    public var source: String?
    public var pid: Int32?
    public var host: String?
    public var phase: String?
    public var step: String?
    /// Which action of the step the event is about.
    public var action: StepContext.Action?
    public var attempt: Int?
    public var exitCode: Int32?
    public var durationMs: Int64?
    public var outputs: [String: String]?
    /// The JSON-encoded value a code-defined step returned (handed to its compensation).
    public var value: String?
    public var error: String?
    public var note: String?
    /// Who did it, for acts of a person (resolving a step, deciding an approval).
    public var by: String?
    /// A log file, relative to the workspace.
    public var log: String?
    /// A rollback point's name (`start` or a phase id).
    public var point: String?
    public var commit: String?
    public var tree: String?
    /// `phase/step` of the failure that started an unwind.
    public var failedStep: String?
    /// A gate's decision or an approval's.
    public var decision: Decision?
    /// Each criterion of a gate and its status (`pass`, `warn`, `fail`, `missing`, `waived`).
    public var criteria: [String: String]?
    /// What the person who decided an approval said (`by` names them).
    public var comment: String?
    /// When an approval's wait ends (UTC, ISO 8601), if it has a timeout.
    public var deadline: String?
    /// On `run_started`: the playbook environment the run's values were chosen for.
    public var environment: String?
    /// On `run_started`: the lock name the environment gives.
    public var lock: String?
    /// On `run_started`: the vars the playbook marks `show: true`, the ones a history lists.
    public var shown: [String]?
    /// On `step_failed`: the step was interrupted (a crash or a second signal) and, having no verify
    /// and not being idempotent, may have been applied. It is never re-run; `resume` compensates it.
    public var outcomeUnknown: Bool?
    /// On a `checkpoint_recorded` of the workspace before a restore overwrote it: `kind path` of each
    /// file the commit keeps (those that differed from the run's previous commit).
    public var preserved: [String]?
    /// On `process_started`, `orphan_found`, `orphan_ended`: the action's process group id.
    public var processGroup: Int32?
    /// On `process_started`: the group leader's start time (clock ticks since boot), so a reused pid
    /// is never taken for the step's process.
    public var processStart: Int64?
    /// On `process_started` and `orphan_elsewhere`: the machine the process group runs on
    /// (`MachineIdentity`), so a Belay process elsewhere never takes a pid of its own for it.
    public var machine: String?
    /// On `captures_*` events: each capture's name and what became of it.
    public var captures: [String: String]?

    public init(seq: Int = 0, time: String = "", event: Kind) {
        self.seq = seq
        self.time = time
        self.event = event
    }

    enum CodingKeys: String, CodingKey {
        case seq, time, event, run, playbook, workspace
        case onFailure = "on_failure"
        case plan, vars, source, pid, host, phase, step, action, attempt
        case exitCode = "exit_code"
        case durationMs = "duration_ms"
        case outputs, value, error, note, by, log, point, commit, tree
        case failedStep = "failed_step"
        case decision, criteria, comment, deadline
        case outcomeUnknown = "outcome_unknown"
        case environment, lock, shown
        case preserved
        case processGroup = "process_group"
        case processStart = "process_start"
        case machine
        case captures
    }

    /// The event's time as a date (nil when the journal line was written by hand and is malformed).
    public var date: Date? { JournalClock.parse(time) }
}
