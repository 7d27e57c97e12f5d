import Belay
import BelaySupport
import Foundation

/// A recorded run gathered for a report: when each step, compensation and approval wait began and
/// ended, its gate decisions, approvals and rollback points. Everything comes from the journal (whose
/// outputs are already masked) and the rollback points; nothing is run.
struct RunReport {
    /// One bar of the timeline.
    struct Span {
        enum Kind: String { case step, compensation, approval }
        var kind: Kind
        var phase: String
        var step: String
        /// Seconds from the run's first event.
        var start: Double
        var end: Double
        /// `succeeded`, `failed`, `warning`, `interrupted`, `compensated`, `approved`, `running`…
        var outcome: String
        var key: String { "\(phase)/\(step)" }
    }

    let history: RunHistory
    let points: [RunHistory.Point]
    let spans: [Span]
    /// When each rollback point was recorded, seconds from the run's first event.
    let pointTimes: [(name: String, at: Double)]
    /// Seconds from the first event to the last.
    let length: Double

    var runID: String { history.runID }
    var state: RunState { history.state }

    init(history: RunHistory, points: [RunHistory.Point]) {
        self.history = history
        self.points = points
        let origin = history.events.first?.date ?? Date()
        let offset = { (event: JournalEvent) in max(0, (event.date ?? origin).timeIntervalSince(origin)) }
        // Warnings come after the run's own events (notifications retried past its end): not on the axis.
        let last = history.events.last { $0.event != .warning }.map(offset) ?? 0
        var open: [String: Span] = [:]
        var spans: [Span] = []
        var pointTimes: [(name: String, at: Double)] = []
        func begin(_ kind: Span.Kind, _ event: JournalEvent) {
            guard let phase = event.phase, let step = event.step else { return }
            let span = Span(kind: kind, phase: phase, step: step, start: offset(event), end: offset(event), outcome: "running")
            open["\(kind)|\(span.key)"] = span
        }
        func end(_ kind: Span.Kind, _ event: JournalEvent, _ outcome: String) {
            guard let phase = event.phase, let step = event.step,
                var span = open.removeValue(forKey: "\(kind)|\(phase)/\(step)") else { return }
            span.end = offset(event)
            span.outcome = outcome
            spans.append(span)
        }
        for event in history.events {
            switch event.event {
            case .stepStarted: begin(.step, event)
            case .stepSucceeded: end(.step, event, "succeeded")
            case .stepFailed: end(.step, event, "failed")
            case .stepWarning: end(.step, event, "warning")
            case .stepInterrupted where event.action != .compensate: end(.step, event, "interrupted")
            case .stepInterrupted: end(.compensation, event, "interrupted")
            case .compensationStarted: begin(.compensation, event)
            case .compensationSucceeded: end(.compensation, event, "compensated")
            case .compensationFailed: end(.compensation, event, "compensation failed")
            case .approvalRequested: begin(.approval, event)
            case .approvalRecorded: end(.approval, event, event.decision?.rawValue ?? "decided")
            case .checkpointRecorded: if let point = event.point { pointTimes.append((point, offset(event))) }
            default: break
            }
        }
        // Still open: running now, or left so by a process that stopped.
        for var span in open.values {
            span.end = last
            spans.append(span)
        }
        self.spans = spans.sorted { ($0.start, $0.kind.rawValue) < ($1.start, $1.kind.rawValue) }
        self.length = last
        self.pointTimes = pointTimes
    }

    /// The step's outputs as journaled (masked), `key=value` sorted by key.
    static func outputs(_ step: RunState.StepState) -> String {
        step.outputs.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
    }

    static func duration(_ ms: Int64?) -> String { ms.map { DurationFormat.format(milliseconds: $0) } ?? "–" }

    static func seconds(_ value: Double) -> String { DurationFormat.format(milliseconds: Int64((value * 1000).rounded())) }

    /// The gate and approval steps, in plan order, with their records.
    var gates: [(key: RunState.StepKey, record: RunState.GateRecord)] {
        orderedKeys.compactMap { key in state.gates[key].map { (key, $0) } }
    }

    var approvals: [(key: RunState.StepKey, record: RunState.ApprovalRecord)] {
        orderedKeys.compactMap { key in state.approvals[key].map { (key, $0) } }
    }

    private var orderedKeys: [RunState.StepKey] {
        state.phases.flatMap { phase in phase.steps.map { RunState.StepKey(phase: phase.id, step: $0.id) } }
    }

    /// The headline facts: status, start, span.
    var facts: [(String, String)] {
        var facts: [(String, String)] = [("status", state.status.rawValue)]
        if let target = state.rolledBackTo, state.status == .rolledBack { facts[0].1 += " to \(target)" }
        facts.append(("playbook", state.playbook ?? "?"))
        if let started = state.startedTime { facts.append(("started", started)) }
        facts.append(("took", Self.duration(state.durationMs)))
        if let failure = state.failure { facts.append(("failed at", "\(failure.site): \(failure.error)")) }
        if let stuck = state.stuckAt { facts.append(("stuck at", "the compensation of \(stuck)")) }
        if let workspace = state.workspace { facts.append(("workspace", workspace)) }
        return facts
    }
}
