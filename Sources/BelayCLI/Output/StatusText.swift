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
        var text: [UInt8] = []
        lines.forEach { text.append(line: $0) }
        phasesAndSteps(state, output: output, into: &text)
        if !state.pointOrder.isEmpty { text.append(line: "  points: \(state.pointOrder.joined(separator: ", "))") }
        CaptureLines.status(state.captures).forEach { text.append(line: "  " + $0) }
        return String(decoding: text, as: UTF8.self)
    }

    /// A line per phase and per step, written as bytes into one buffer: a run of 10,000 steps
    /// has as many lines, and a string built and joined per line cost more than its fold.
    private static func phasesAndSteps(_ state: RunState, output: TerminalOutput, into text: inout [UInt8]) {
        let succeeded = output.paint("✓", .green), warned = output.paint("⚠", .yellow), failed = output.paint("✗", .red)
        let compensated = output.paint("↺", .green), compensationFailed = output.paint("‼", .red)
        for phase in state.phases {
            text.append(text: "  ▸ ")
            text.append(text: phase.id)
            text.append(text: "  ")
            text.append(text: phase.status.rawValue)
            if let point = phase.checkpoint {
                text.append(text: "  point ")
                text.append(text: Substring(point.utf8.prefix(10)))
            }
            text.append(ascii: "\n")
            for step in phase.steps {
                let mark: String =
                    switch step.status {
                    case .succeeded: succeeded
                    case .failed: step.warning ? warned : failed
                    case .compensated: compensated
                    case .compensationFailed: compensationFailed
                    case .running: "…"
                    case .pending, .skipped: "·"
                    }
                text.append(text: "      ")
                text.append(text: mark)
                text.append(ascii: " ")
                text.append(text: step.id)
                text.append(text: "  ")
                text.append(text: step.status.rawValue)
                if step.attempts > 1 { text.append(text: ", \(step.attempts) attempts") }
                if let ms = step.durationMs {
                    text.append(text: ", ")
                    text.append(text: DurationFormat.format(milliseconds: ms))
                }
                if let error = step.error {
                    text.append(text: " — ")
                    text.append(text: shown(error))
                }
                text.append(ascii: "\n")
            }
        }
    }
}
