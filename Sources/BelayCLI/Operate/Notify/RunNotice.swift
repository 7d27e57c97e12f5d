import Belay
import BelaySupport

/// What a webhook is told about a run: the events people act on (it started, it waits for an
/// approval, a step failed, it is stuck, it ended), as JSON with a `text` line that Slack and
/// Mattermost incoming webhooks show as the message.
struct RunNotice: Sendable {
    /// The `event` field: `started`, `waiting_for_approval`, `step_failed`, `stuck`, `completed`,
    /// `compensated`, `rolled_back`, `failed`.
    var kind: String
    var text: String
    var payload: JSONText

    /// The notice for `event` of a run whose state is now `state`; nil for the events nobody is told.
    init?(_ event: JournalEvent, state: borrowing RunState) {
        let run = event.run ?? state.runID ?? "?"
        let playbook = state.playbook ?? event.playbook ?? "?"
        let site = event.phase.flatMap { phase in event.step.map { "\(phase)/\($0)" } }
        let head = "Belay run \(run) (\(playbook))"
        switch event.event {
        case .runStarted:
            kind = "started"
            text = "▶ \(head) started on \(event.host ?? "?")"
        case .approvalRequested:
            kind = "waiting_for_approval"
            text = "⏳ \(head) is waiting for approval at \(site ?? "?"): \(event.note ?? "")"
                + (event.deadline.map { " (until \($0))" } ?? "")
                + ". Decide with: belay approve \(run) [--reject] --by NAME"
        case .stepFailed:
            kind = "step_failed"
            text = "✗ \(head): step \(site ?? "?") failed: \(event.error ?? "failed")"
        case .runStuck:
            kind = "stuck"
            text = "‼ \(head) is STUCK: the compensation of \(site ?? "?") failed"
                + (event.error.map { ": \($0)" } ?? "") + ". It needs a person: belay resume \(run), or belay resolve"
        case .runCompleted:
            kind = "completed"
            text = "✓ \(head) completed" + (state.durationMs.map { " in \(DurationFormat.format(milliseconds: $0))" } ?? "")
        case .runCompensated:
            kind = "compensated"
            text = "↺ \(head) failed" + (event.failedStep.map { " at \($0)" } ?? "")
                + "; every started step was compensated and the workspace restored to the start point"
        case .runRolledBack:
            kind = "rolled_back"
            text = "⟲ \(head) rolled back to \(event.point ?? "start")"
        case .runFailed:
            kind = "failed"
            text = "✗ \(head) failed at \(event.failedStep ?? "?"): \(event.error ?? ""); nothing was compensated"
        default:
            return nil
        }
        payload = .object([
            ("text", .string(text)), ("event", .string(kind)), ("run", .string(run)), ("playbook", .string(playbook)),
            ("workspace", .optional(state.workspace)), ("step", .optional(site)), ("error", .optional(event.error)),
            ("status", .string(state.status.rawValue)), ("seq", .int(Int64(event.seq))), ("time", .string(event.time)),
        ])
    }
}
