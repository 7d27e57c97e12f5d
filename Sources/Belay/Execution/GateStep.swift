import BelayGate
import BelayPlaybook
import Foundation

extension SagaExecution {
    /// The handler the run was given, else the standard one (which waits for a decision recorded from outside).
    var gateSteps: any GateStepHandler { options.gateHandler ?? StandardGateSteps() }

    /// `gates/<phase>.<step>` in the run folder, relative to the workspace (add `.json` or `.txt`).
    func gateReportBase(phase: String, step: String) -> String {
        ".belay/runs/\(runID)/gates/\(phase).\(step)"
    }

    /// Evaluates a gate step: BLOCK fails it, PROCEED passes it, CONDITIONAL_PROCEED follows
    /// `on_conditional`. The decision and the criteria are journaled (`gate_evaluated`) and the
    /// reports written to the run folder before the step's outcome.
    func performGate(_ gate: GateAction, context: StepContext) async -> ActionOutcome {
        let handler = gateSteps
        let report: GateReport
        do {
            report = try await handler.evaluate(gate, context: context, rehearsal: rehearsalLookup)
        } catch {
            context.log("error: \(error)")
            return ActionOutcome(error: "gate \(gate.policy): \(error)")
        }
        let base = gateReportBase(phase: context.phase, step: context.step)
        // Evidence (a JUnit failure message) may quote a secret: reports are masked like logs.
        let text = masker.mask(report.render(.text))
        do {
            let workspace = folder.workspace
            try FileManager.default.createDirectory(
                at: workspace.appendingPathComponent(base).deletingLastPathComponent(), withIntermediateDirectories: true)
            try PrivateFiles.write(Data(masker.mask(report.render(.json)).utf8), to: workspace.appendingPathComponent(base + ".json"))
            try PrivateFiles.write(Data(text.utf8), to: workspace.appendingPathComponent(base + ".txt"))
        } catch {
            return ActionOutcome(error: "cannot write the gate report \(base).json: \(error.localizedDescription)")
        }
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) { context.log(String(line)) }

        let decision = report.decision
        var consequence: String
        var outcome = ActionOutcome(outputs: ["decision": decision.rawValue, "report": base + ".json"])
        var approvalNeeded = false
        switch (decision, handler.enforcesGates) {
        case (.proceed, _):
            consequence = "the step passes"
        case (_, false):
            consequence = "recorded only: gates do not stop a rehearsal"
        case (.block, true):
            consequence = "the step fails"
            outcome.error = "gate '\(report.gate)' decided BLOCK: " + (report.reasons.first ?? "a key criterion failed")
        case (.conditionalProceed, true):
            switch gate.onConditional {
            case .proceed:
                consequence = "proceeding with a warning (on_conditional: proceed)"
            case .block:
                consequence = "the step fails (on_conditional: block)"
                outcome.error = "gate '\(report.gate)' decided CONDITIONAL_PROCEED and on_conditional is block"
            case .approve:
                consequence = "waiting for a person (on_conditional: approve)"
                approvalNeeded = true
            }
        }
        var evaluated = event(.gateEvaluated, phase: context.phase, step: context.step)
        evaluated.decision = JournalEvent.Decision(rawValue: decision.rawValue)
        evaluated.criteria = Dictionary(
            report.criteria.map { ($0.id, $0.status.rawValue) }, uniquingKeysWith: { _, last in last })
        evaluated.note = "\(report.gate): \(report.reasons.first ?? decision.rawValue) — \(consequence)"
        evaluated.log = base + ".json"
        do { try record(evaluated) } catch {
            return ActionOutcome(error: "cannot journal the gate's decision: \(error)")
        }
        guard approvalNeeded else { return outcome }
        let warnings = "\(report.warnings) warning\(report.warnings == 1 ? "" : "s")"
        var approval = await performApproval(
            message: "Gate '\(report.gate)' decided CONDITIONAL_PROCEED (\(warnings)). Proceed?",
            timeout: nil, onTimeout: .reject, context: context)
        approval.outputs.merge(outcome.outputs) { _, gate in gate }
        return approval
    }

    /// Finds a successful rehearsal of this run's playbook content in the workspace's
    /// `.belay/rehearsals/` (for `rehearsal: true` criteria).
    var rehearsalLookup: RehearsalLookup? {
        guard let source = saga.source else { return nil }
        let store = RehearsalStore(workspace: folder.workspace)
        let digest = SHA256.hex(of: Data(source.utf8))
        let (saga, playbook) = (saga, saga.sourcePath)
        // Compared with the files as the run found them, so the run's own changes do not count; a
        // resumed run (a new process) compares with the files as they are now.
        if let atStart = filesAtStart.withLock({ $0 }) {
            return { _ in store.record(sha256: digest)?.evidence(now: atStart) }
        }
        return { _ in store.evidence(sha256: digest, saga: saga, playbook: playbook) }
    }
}
