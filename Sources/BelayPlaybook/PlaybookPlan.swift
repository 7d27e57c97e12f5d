import BelayModel
import BelaySupport

/// What a run of a playbook would do, without running anything: the phases in order, each step's
/// commands with the variables filled in, the rollback points, and the unwind a failure would cause.
///
/// `belay plan` prints it; it is also the dry-run model for anything that wants to explain a run.
public struct PlaybookPlan: Sendable, Hashable {
    public struct PlannedPhase: Sendable, Hashable {
        public var phase: PlaybookPhase
        /// Phases this one waits for (explicit `needs`, or the previous phase).
        public var needs: [String]
        public var steps: [PlannedStep]
        /// The rollback point recorded when the phase completes.
        public var point: String
    }

    public struct PlannedStep: Sendable, Hashable {
        public var id: String
        public var name: String?
        /// `run`, `gate` or `approval`.
        public var kind: String
        /// The forward action as it will run: a rendered command, `gate <policy>` or the approval question.
        public var forward: String
        public var verify: String?
        public var compensate: String?
        public var irreversible: Bool
        public var critical: Bool
        /// How the step runs when that differs from a plain single try: `timeout 2m`,
        /// `retry 3 attempts, delay 2s, backoff ×2`, `idempotent`.
        public var options: [String]
        /// The rollback point `checkpoint: before` records just before the step, if it has one.
        public var pointBefore: String? = nil
    }

    /// One entry of the unwind after a failure, in the order it happens.
    public struct UnwindEntry: Sendable, Hashable {
        public var phase: String
        public var step: String
        /// The rendered compensation, or `nil` when the step has nothing to undo (gate, approval,
        /// irreversible).
        public var compensate: String?
        /// Why a step without a compensation is listed anyway.
        public var note: String?
        /// The step belongs to a parallel phase: it is compensated only if it had started, and the
        /// order shown (reverse declaration) approximates the reverse order of start.
        public var parallel: Bool
    }

    /// What a failure at one step would cause.
    public struct Failure: Sendable, Hashable {
        public var phase: String
        public var step: String
        /// `false` for a non-critical step: its failure is a warning and the run goes on, so nothing
        /// is unwound.
        public var unwinds: Bool
        public var unwind: [UnwindEntry]
        /// The rollback point whose tree the workspace is restored to after the unwind.
        public var restorePoint: String
    }

    public var playbook: Playbook
    public var runID: String
    public var phases: [PlannedPhase]
    /// Every rollback point in the order it is recorded, `start` first.
    public var points: [String]
    public var failure: Failure?

    /// Builds the plan. `playbook` should come from `PlaybookLoader`, with overrides applied.
    /// `failAt` is `<phase>/<step>`; an unknown one throws `PlanError` listing the valid names.
    public init(playbook: Playbook, runID: String = "<run-id>", failAt: String? = nil) throws(PlanError) {
        self.playbook = playbook
        self.runID = runID
        let values = Dictionary(playbook.displayedVars.map { ($0.name, $0.value) }, uniquingKeysWith: { _, last in last })
        let order = playbook.executionOrder()
        let pointPrefix = "refs/belay/points/\(runID)/"
        phases = order.map { phase in
            let index = playbook.phases.firstIndex(of: phase) ?? 0
            let needs = phase.needs ?? (index > 0 ? [playbook.phases[index - 1].id] : [])
            let steps = phase.steps.map { step in
                var planned = Self.planned(step, values)
                if step.checkpointBefore { planned.pointBefore = pointPrefix + PointName.stored("\(phase.id)/\(step.id)") }
                return planned
            }
            return PlannedPhase(phase: phase, needs: needs, steps: steps, point: pointPrefix + phase.id)
        }
        points = [pointPrefix + "start"] + phases.flatMap { $0.steps.compactMap(\.pointBefore) + [$0.point] }
        failure = nil
        if let failAt { failure = try failure(at: failAt, order: order) }
    }

    private func failure(at target: String, order: [PlaybookPhase]) throws(PlanError) -> Failure {
        let parts = target.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        let all = order.flatMap { phase in phase.steps.map { "\(phase.id)/\($0.id)" } }
        guard parts.count == 2, let phaseRank = phases.firstIndex(where: { $0.phase.id == parts[0] }),
            let stepIndex = phases[phaseRank].steps.firstIndex(where: { $0.id == parts[1] })
        else {
            throw PlanError(
                code: .unknownStep,
                message: "no step '\(target)' in the playbook; write <phase>/<step>, one of: \(all.joined(separator: ", "))")
        }
        let failing = phases[phaseRank]
        let restorePoint = points[0]
        guard failing.steps[stepIndex].critical else {
            return Failure(phase: parts[0], step: parts[1], unwinds: false, unwind: [], restorePoint: restorePoint)
        }
        var unwind: [UnwindEntry] = []
        for rank in stride(from: phaseRank, through: 0, by: -1) {
            let planned = phases[rank]
            // Started steps: all of an earlier phase; in the failing phase, the steps up to the failed one
            // (all of them when parallel, since any may have started).
            let started =
                rank < phaseRank || planned.phase.parallel
                ? planned.steps[...] : planned.steps[...stepIndex]
            for step in started.reversed() {
                unwind.append(
                    UnwindEntry(
                        phase: planned.phase.id, step: step.id, compensate: step.compensate,
                        note: Self.nothingToUndo(step), parallel: planned.phase.parallel))
            }
        }
        return Failure(phase: parts[0], step: parts[1], unwinds: true, unwind: unwind, restorePoint: restorePoint)
    }

    private static func nothingToUndo(_ step: PlannedStep) -> String? {
        guard step.compensate == nil else { return nil }
        switch step.kind {
        case "gate": return "a gate changes nothing"
        case "approval": return "an approval changes nothing"
        default: return "irreversible: not undone"
        }
    }

    private static func planned(_ step: PlaybookStep, _ values: [String: String]) -> PlannedStep {
        let render = { (text: String) in PlanRendering.render(Template(text), values) }
        let (kind, forward): (String, String) =
            switch step.action {
            case .run(let command): ("run", render(command))
            case .gate(let gate): ("gate", "gate \(gate.policy) (conditional: \(gate.onConditional.rawValue))")
            case .approval(let approval): ("approval", "ask: \(render(approval.message))")
            }
        var options: [String] = []
        if let timeout = step.timeout { options.append("timeout \(DurationFormat.format(timeout))") }
        if let retry = step.retry, retry.attempts > 1 {
            let backoff = retry.backoff == retry.backoff.rounded() ? "\(Int(retry.backoff))" : "\(retry.backoff)"
            options.append(
                "retry \(retry.attempts) attempts, delay \(DurationFormat.format(retry.delay)), backoff ×\(backoff), "
                    + "max delay \(DurationFormat.format(retry.maxDelay))")
        }
        if step.idempotent { options.append("idempotent") }
        return PlannedStep(
            id: step.id, name: step.name, kind: kind, forward: forward, verify: step.verify.map(render),
            compensate: step.compensate.map(render), irreversible: step.irreversible, critical: step.critical,
            options: options)
    }
}

/// A plan that cannot be made as asked.
public struct PlanError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Code: String, Sendable, Hashable {
        case unknownStep
    }

    public var code: Code
    public var message: String
    public var description: String { message }
}

enum PlanRendering {
    /// Variables are filled in (shell-quoted, exactly as a run would); step outputs are only known at
    /// run time, so `{{ steps.… }}` stays as written.
    static func render(_ template: Template, _ values: [String: String]) -> String {
        template.segments.map { segment in
            switch segment {
            case .literal(let text): text
            case .placeholder(.variable(let name), _): values[name].map(ShellQuote.word) ?? "{{ vars.\(name) }}"
            case .placeholder(let reference, _): "{{ \(reference) }}"
            case .invalid(let text, _): text
            }
        }.joined()
    }
}
