import Belay
import BelaySupport
import Foundation

/// `belay status` for people.
enum StatusText {
    /// `holder`: the live process carrying the run on, if one is (a running run then shows how long
    /// it has been running rather than how long its journal spans).
    static func render(
        _ state: RunState, runID: String, holder: LockHolder? = nil, now: Date = Date(), output: TerminalOutput = .standard
    ) -> String {
        var lines: [String] = []
        let color: Terminal.Color =
            switch state.status {
            case .completed, .compensated: .green
            case .stuck, .failed: .red
            default: .yellow
            }
        lines.append("Run \(runID) · \(shown(state.playbook ?? "?")) · " + output.paint(state.status.rawValue, color))
        var facts: [String] = []
        if let started = state.startedAt { facts.append("started \(JournalClock.format(started))") }
        if LiveRun.isUnfinished(state), let started = state.startedAt {
            let running = DurationFormat.format(milliseconds: Int64(max(0, now.timeIntervalSince(started)) * 1000))
            facts.append(holder.map { "running for \(running) (pid \($0.pid) on \($0.host))" }
                ?? "no process is carrying it on (interrupted; belay resume \(runID) continues it)")
        } else if let ms = state.durationMs {
            facts.append("took \(DurationFormat.format(milliseconds: ms))")
        }
        if let workspace = state.workspace { facts.append("workspace \(shown(workspace))") }
        lines.append("  " + facts.joined(separator: " · "))
        if let failure = state.failure { lines.append("  failed at \(failure.site): \(shown(failure.error))") }
        if let waiting = state.waitingApproval, let approval = state.approvals[waiting] {
            lines.append(output.paint("  waiting for approval at \(waiting): \(shown(approval.message))", .yellow)
                + (approval.deadline.map { " (until \($0))" } ?? ""))
            lines.append("  decide with: belay approve \(state.runID ?? "<run>") [--reject] --by NAME --comment TEXT")
        }
        if let stuck = state.stuckAt {
            let step = state.step(stuck)
            lines.append(output.paint("  stuck: the compensation of \(stuck) failed", .red)
                + (step?.compensationError.map { ": \(shown($0))" } ?? ""))
            if let log = step?.compensationLog { lines.append("  log: \(log)") }
        }
        for release in state.lockReleases {
            lines.append(output.paint("  lock \(shown(release.lock)) released by hand by \(shown(release.by)) at \(release.time): ", .yellow)
                + shown(release.note))
        }
        for phase in state.phases {
            let point = phase.checkpoint.map { "  point \($0.prefix(10))" } ?? ""
            lines.append("  ▸ \(phase.id)  \(phase.status.rawValue)\(point)")
            for step in phase.steps {
                let mark: String =
                    switch step.status {
                    case .succeeded: output.paint("✓", .green)
                    case .failed: step.warning ? output.paint("⚠", .yellow) : output.paint("✗", .red)
                    case .compensated: output.paint("↺", .green)
                    case .compensationFailed: output.paint("‼", .red)
                    case .running: "…"
                    case .pending, .skipped: "·"
                    }
                var detail = step.status.rawValue
                if step.attempts > 1 { detail += ", \(step.attempts) attempts" }
                if let ms = step.durationMs { detail += ", \(DurationFormat.format(milliseconds: ms))" }
                if let error = step.error { detail += " — \(shown(error))" }
                lines.append("      \(mark) \(step.id)  \(detail)")
            }
        }
        if !state.pointOrder.isEmpty { lines.append("  points: \(state.pointOrder.joined(separator: ", "))") }
        lines += CaptureLines.status(state.captures).map { "  " + $0 }
        return lines.joined(separator: "\n") + "\n"
    }
}
