import Belay
import BelaySupport
import Foundation
import Synchronization

/// Live output of `belay run`, `resume` and `rollback`: phase headers, one line per step, the tail of
/// a failed action's log, and a recap; between the lines, the running steps (`LiveProgress`). With
/// `--json`, the journal events as JSON lines instead.
final class RunRenderer: Sendable {
    private let json: Bool
    private let workspace: URL
    private let state: Mutex<RunState>
    private let output: TerminalOutput
    /// The running steps between event lines (elapsed time, output, heartbeats).
    let progress: LiveProgress

    /// `initial`: the state of a run being resumed, so counts and phase numbers stay right.
    init(
        json: Bool, workspace: URL, initial: RunState = RunState(), output: TerminalOutput = .standard,
        progress: LiveProgress.Mode = .off
    ) {
        self.json = json
        self.workspace = workspace
        self.state = Mutex(initial)
        self.output = output
        self.progress = LiveProgress(mode: progress, workspace: workspace, output: output)
    }

    func handle(_ event: JournalEvent) {
        if event.event == .lockTakenOver, let note = event.note {
            output.printError("belay: \(note)")
        }
        if json {
            output.write(event.jsonText.rendered() + "\n", .standardOutput)
            return
        }
        progress.observe(event)
        let text = state.withLock { state -> String? in
            // The unwind header needs the state before its first compensation starts.
            // (A skipped compensation, as of a gate step, can come first.)
            let unwinding = event.event == .compensationStarted || event.event == .compensationSkipped
            let unwindHeader = unwinding && state.status != .compensating
                ? state.pendingCompensations.count : nil
            state.apply(event)
            if unwinding { state.status = .compensating }
            return render(event, state: state, unwindCount: unwindHeader)
        }
        if let text { progress.print(text) }
    }

    private func paint(_ text: String, _ color: Terminal.Color) -> String { output.paint(text, color) }

    private func render(_ event: JournalEvent, state after: borrowing RunState, unwindCount: Int?) -> String? {
        let key = event.phase.flatMap { phase in event.step.map { RunState.StepKey(phase: phase, step: $0) } }
        switch event.event {
        case .runStarted:
            return "\(paint("Belay", .bold)) run \(event.run ?? "") · playbook \(shown(event.playbook ?? "")) · workspace \(shown(event.workspace ?? ""))"
        case .runResumed:
            return "\(paint("Belay", .bold)) resuming run \(event.run ?? "")" + (event.note.map { paint(" · \(shown($0))", .dim) } ?? "")
        case .phaseStarted:
            let index = (after.phases.firstIndex { $0.id == event.phase } ?? 0) + 1
            let phase = after.phase(event.phase ?? "")
            let title = phase?.name.map { " — \(shown($0))" } ?? ""
            return "\n" + paint("▸ Phase \(index)/\(after.phases.count) \(event.phase ?? "")\(title)", .bold)
        case .checkpointRecorded:
            if event.preserved != nil { return PreservedText.lines(event, workspace: workspace).joined(separator: "\n") }
            guard event.point != nil else { return nil }
            return paint("  ⚑ rollback point \(event.point ?? "") (\(short(event.commit)))", .dim)
        case .stepSucceeded:
            let attempts = key.flatMap { after.step($0)?.attempts } ?? 1
            let retried = attempts > 1 ? paint("  (attempt \(attempts))", .dim) : ""
            return "  \(paint("✓", .green)) \(event.step ?? "")  \(duration(event.durationMs))\(retried)"
        case .stepWarning:
            return "  \(paint("⚠", .yellow)) \(event.step ?? "")  \(duration(event.durationMs))  "
                + "\(shown(event.error ?? "failed")) — not critical, the run goes on" + logTail(event.log, lines: 5)
        case .stepFailed:
            let attempts = key.flatMap { after.step($0)?.attempts } ?? 1
            let tries = attempts > 1 ? " after \(attempts) attempts" : ""
            return "  \(paint("✗", .red)) \(event.step ?? "")  \(duration(event.durationMs))  "
                + paint("\(shown(event.error ?? "failed"))\(tries)", .red) + logTail(event.log, lines: 10)
        case .compensationStarted:
            guard let count = unwindCount else { return nil }
            return unwindHeader(count)
        case .compensationSucceeded:
            return "  \(paint("↺", .green)) \(key?.description ?? "") compensated  \(duration(event.durationMs))"
        case .compensationSkipped:
            return (unwindCount.map { unwindHeader($0) + "\n" } ?? "") + "  \(paint("–", .dim)) \(key?.description ?? "") not compensated: \(shown(event.note ?? ""))"
        case .compensationFailed:
            return "  \(paint("✗", .red)) \(key?.description ?? "") compensation failed  \(duration(event.durationMs))  "
                + paint(shown(event.error ?? ""), .red) + logTail(event.log, lines: 10)
        case .workspaceRestored:
            return "  \(paint("⟲", .green)) workspace restored to the \(event.point ?? "start") point (commit \(short(event.commit)))"
        case .gateEvaluated, .approvalRequested, .approvalRecorded:
            return GateLines.render(event, paint: paint)
        case .phaseSkipped:
            let index = (after.phases.firstIndex { $0.id == event.phase } ?? 0) + 1
            return "\n" + paint("▸ Phase \(index)/\(after.phases.count) \(event.phase ?? "") — skipped: \(shown(event.note ?? ""))", .dim)
        case .rollbackStarted:
            let count = after.compensations(rollingBackTo: event.point ?? "start").count
            return "\(paint("Belay", .bold)) rolling back run \(event.run ?? "") to \(event.point ?? "start"): "
                + "\(count) compensation\(count == 1 ? "" : "s") to run, newest first"
        case .stepInterrupted:
            return "  \(paint("✗", .red)) \(key?.description ?? "") \(shown(event.note ?? "killed"))"
        case .orphanFound:
            let stop = event.note?.contains("terminating") == true
                ? "" : paint("\n    (Ctrl-C stops waiting and decides nothing; --kill-orphans terminates the group instead)", .dim)
            return "  \(paint("⏳", .yellow)) \(key?.description ?? "") [\(event.action?.rawValue ?? "run")]: \(shown(event.note ?? ""))" + stop
        case .orphanEnded, .orphanElsewhere:
            return "  \(paint("⏳", .yellow)) \(key?.description ?? ""): \(shown(event.note ?? ""))"
        case .capturesRecorded, .capturesVerified, .capturesDrifted:
            return CaptureLines.live(event, paint: paint)
        default:
            return nil
        }
    }

    private func unwindHeader(_ count: Int) -> String {
        "\n" + paint("↺ Compensating \(count) started step\(count == 1 ? "" : "s"), newest first", .bold)
    }

    /// The recap after the run, with what to type next.
    func finish(_ outcome: RunOutcome) {
        guard !json else { return }
        let state = outcome.state
        let run = outcome.runID
        var lines: [String] = [""]
        let steps = state.phases.flatMap(\.steps)
        let ok = steps.filter { $0.status == .succeeded || ($0.status == .compensated && $0.error == nil) }.count
        let failed = steps.filter { $0.error != nil && !$0.warning }.count
        let warnings = steps.filter(\.warning).count
        let compensated = steps.filter { $0.compensation == .succeeded }.count
        let completedPhases = state.phases.filter { $0.checkpoint != nil }.count
        switch outcome.result {
        case .completed:
            lines.append(paint("✓ Run \(run) completed", .green))
        case .compensated(let failure):
            lines.append(paint("✗ Run \(run) failed" + (failure.map { " at \($0.site): \(shown($0.error))" } ?? ""), .red))
            lines.append("  Every started step was compensated and the workspace restored to the start point.")
        case .failed(let failure):
            lines.append(paint("✗ Run \(run) failed at \(failure.site): \(shown(failure.error))", .red))
            lines.append("  Nothing was compensated (--on-failure stop).")
        case .paused where outcome.waitingApproval != nil:
            let waiting = outcome.waitingApproval!
            lines.append(paint("⏳ Run \(run) is waiting for approval at \(waiting)", .yellow)
                + (state.approvals[waiting].map { ": \(shown($0.message))" } ?? ""))
            if let deadline = state.approvals[waiting]?.deadline {
                lines.append("  The wait ends at \(deadline); then on_timeout applies (on the next resume).")
            }
        case .paused(let failure):
            lines.append(paint("⏸ Run \(run) paused after \(failure.site) failed: \(shown(failure.error))", .yellow))
            if state.unknownOutcomeFailure != nil {
                lines.append("  It may have been applied and is not idempotent: resume will not run it again, it compensates")
                lines.append("  every started step, that one included; rollback --to a point undoes less.")
            }
        case .pausedOnRequest(let reason):
            lines.append(paint("⏸ Run \(run) paused: \(shown(reason))", .yellow))
        case .rolledBack(let target):
            lines.append(paint("⟲ Run \(run) rolled back to \(target)", .green))
            lines.append("  The phases after \(target) were compensated and the workspace is the \(target) point's tree.")
        case .stuck(let failure, let stuckAt):
            if let failure { lines.append(paint("✗ Run \(run) failed at \(failure.site): \(shown(failure.error))", .red)) }
            if let key = stuckAt.step {
                let step = state.step(key)
                lines.append(paint("‼ Run \(run) is STUCK: the compensation of \(key) failed", .red)
                    + (step?.compensationError.map { ": \(shown($0))" } ?? ""))
                if let log = step?.compensationLog { lines.append("  log: \(log)") }
                lines.append("  The unwind stopped there; the steps before it are not compensated yet.")
            } else {
                lines.append(paint("‼ Run \(run) is STUCK: every compensation ran, but \(stuckAt) failed", .red))
            }
        }
        if case .rolledBack(let target) = outcome.result {
            // A step's point keeps the phases before its own, and part of that one.
            let step = StepPoint(target)
            let kept = (state.phases.firstIndex { $0.id == (step?.phase ?? target) }).map { step == nil ? $0 + 1 : $0 } ?? 0
            lines.append("  phases  \(kept)/\(state.phases.count) kept, \(completedPhases - kept) rolled back")
        } else {
            lines.append("  phases  \(completedPhases)/\(state.phases.count) completed")
        }
        lines.append("  steps   \(ok) ok, \(failed) failed, \(warnings) warning\(warnings == 1 ? "" : "s"), \(compensated) compensated")
        if !state.pointOrder.isEmpty {
            lines.append("  points  \(state.pointOrder.joined(separator: ", "))")
        }
        lines.append("  took    \(duration(state.durationMs))")
        lines.append("")
        let ws = workspace.path
        switch outcome.result {
        case .stuck(_, let stuckAt):
            lines.append("Next: fix the cause, then  belay resume \(run) --workspace \(ws)")
            if let key = stuckAt.step {
                lines.append("  or, once undone by hand: belay resolve \(run) --step \(key) --note \"…\" --workspace \(ws)")
            }
        case .paused where outcome.waitingApproval != nil:
            lines.append("Next: belay approve \(run) --by NAME --comment TEXT --workspace \(ws)")
            lines.append("  or: belay approve \(run) --reject --by NAME --comment TEXT --workspace \(ws)")
            lines.append("then: belay resume \(run) --workspace \(ws)")
        case .paused, .pausedOnRequest:
            lines.append("Next: belay resume \(run) --workspace \(ws)   or   belay rollback \(run) --to start --workspace \(ws)")
        default:
            lines.append("Next: belay status \(run) --workspace \(ws)")
            lines.append("      git --git-dir \(ws)/.belay/git log --oneline refs/belay/runs/\(run)")
        }
        output.print(lines.joined(separator: "\n"))
    }

    private func duration(_ ms: Int64?) -> String {
        paint(ms.map { DurationFormat.format(milliseconds: $0) } ?? "–", .dim)
    }

    private func short(_ commit: String?) -> String { String((commit ?? "").prefix(10)) }

    /// The last lines of a log (read from its end, each escaped and cut), indented, for a failed action.
    private func logTail(_ log: String?, lines count: Int) -> String {
        guard let log else { return "" }
        let url = workspace.appendingPathComponent(log)
        var out = "\n    log: \(log)"
        guard let tail = LogTail.lines(of: url.path, count: count), !tail.isEmpty else {
            return out + paint(" (empty)", .dim)
        }
        for line in tail { out += "\n    " + paint("│ ", .dim) + line }
        return out
    }
}
