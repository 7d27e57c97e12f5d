import ArgumentParser
import Belay
import BelayGit
import BelaySupport
import Foundation

struct InspectCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "Look into one phase of a run: its steps, durations, attempts, files changed, and where a resume starts.",
        discussion: """
            For each step of the phase: its status, how long it took, how many attempts (retries \
            are attempts beyond the first), its error and log when it failed, its outputs (secrets \
            masked), an approval's question, answer, approver and comment, a gate's decision and the \
            criteria that did not pass, and its compensation \
            (succeeded, failed, skipped, or resolved by hand, with who and why). Then the files the \
            phase changed (as `belay diff`), and where `belay resume` would start for this run.

            Exit status: 0; 2 unknown run or phase, or a usage mistake.

            Examples:
              belay inspect 20261121-153012-a3f9 release
              belay inspect release-42 migrate --workspace /srv/site --json
            """
    )

    @Argument(help: ArgumentHelp("The run id.", valueName: "run"))
    var runID: String

    @Argument(help: ArgumentHelp("The phase id.", valueName: "phase"))
    var phase: String

    @OptionGroup var workspace: RunWorkspace

    @Flag(help: "Print the phase as JSON.")
    var json = false

    func run() async throws {
        // The phase's files come from `.belay/git`, after the fold: libgit2 starts meanwhile.
        try await Libgit2.starting { try await inspect() }
    }

    private func inspect() async throws {
        let engine = try workspace.reader()
        _ = try RunLookup.runID(run: runID, engine: engine)
        // The folded state is enough: a long run's events are never held.
        let state: RunState
        do { state = try engine.state(of: runID) } catch {
            throw OperateExit.fail(error)
        }
        guard let phaseState = state.phase(phase) else {
            let hint = Suggestion.closest(to: phase, among: state.phases.map(\.id)).map { "did you mean '\($0)'? " } ?? ""
            Terminal.printError("belay: run \(runID) has no phase '\(phase)'; \(hint)phases: \(state.phases.map(\.id).joined(separator: ", "))")
            throw ExitCode(2)
        }
        let diff = try? await engine.changes(run: runID, state: state, ofPhase: phase)
        if json {
            Terminal.print(JSONText.object([
                ("run", .string(runID)), ("phase", .string(phase)), ("name", .optional(phaseState.name)),
                ("status", .string(phaseState.status.rawValue)), ("checkpoint", .optional(phaseState.checkpoint)),
                ("skipped_reason", .optional(phaseState.skipNote)),
                ("steps", .array(phaseState.steps.map { step in
                    let key = RunState.StepKey(phase: phase, step: step.id)
                    return .object([
                        ("id", .string(step.id)), ("status", .string(step.status.rawValue)),
                        ("attempts", .int(Int64(step.attempts))), ("retries", .int(Int64(max(0, step.attempts - 1)))),
                        ("duration_ms", .optional(step.durationMs)), ("error", .optional(step.error)),
                        ("log", .optional(step.log)), ("warning", .bool(step.warning)),
                        ("compensation", .string(step.compensation.rawValue)),
                        ("compensation_attempts", .int(Int64(step.compensationAttempts))),
                        ("compensation_duration_ms", .optional(step.compensationDurationMs)),
                        ("compensation_error", .optional(step.compensationError)),
                        ("compensation_log", .optional(step.compensationLog)),
                        ("resolved_by", .optional(step.resolvedBy)), ("resolved_note", .optional(step.resolvedNote)),
                    ] + StepDecisions.json(key, step: step, state: state))
                })),
                ("files_from", .optional(diff?.previous)),
                ("files", diff.map { .array($0.changes.map(FileChangeTable.json)) } ?? .null),
                ("resume_from", .string(state.resumeStart)),
            ]).rendered(pretty: true))
            return
        }
        var lines: [String] = []
        var header = "Phase \(phase)"
        if let name = phaseState.name { header += " — \(shown(name))" }
        header += " · run \(runID) · \(phaseState.status.rawValue)"
        if let checkpoint = phaseState.checkpoint { header += " · point \(checkpoint.prefix(10))" }
        lines.append(header)
        let started = [state.startedBy.map { "started by \($0)" }, state.environment.map { "environment \($0)" }].compactMap { $0 }
        if !started.isEmpty { lines.append("  " + started.joined(separator: " · ")) }
        if let note = phaseState.skipNote { lines.append("  skipped: \(shown(note))") }
        lines.append("  steps:")
        let width = phaseState.steps.map(\.id.count).max() ?? 0
        for step in phaseState.steps {
            var parts = [step.status.rawValue]
            if let ms = step.durationMs { parts.append(DurationFormat.format(milliseconds: ms)) }
            if step.attempts > 0 {
                parts.append(count(step.attempts, "attempt") + (step.attempts > 1 ? " (\(count(step.attempts - 1, "retry").replacingOccurrences(of: "retrys", with: "retries")))" : ""))
            }
            var line = "    \(step.id)" + String(repeating: " ", count: width - step.id.count) + "  " + parts.joined(separator: ", ")
            if step.warning { line += " (not critical)" }
            lines.append(line)
            if let error = step.error { lines.append("      error: \(shown(error))") }
            if let log = step.log, step.error != nil { lines.append("      log: \(log)") }
            lines += StepDecisions.lines(RunState.StepKey(phase: phase, step: step.id), step: step, state: state)
            switch step.compensation {
            case .notStarted: break
            case .succeeded:
                lines.append("      compensation: succeeded" + (step.compensationDurationMs.map { " in " + DurationFormat.format(milliseconds: $0) } ?? ""))
            case .failed:
                lines.append("      compensation: FAILED after \(count(step.compensationAttempts, "attempt")): \(shown(step.compensationError ?? ""))")
                if let log = step.compensationLog { lines.append("      log: \(log)") }
            case .started: lines.append("      compensation: started, no outcome (interrupted)")
            case .skipped: lines.append("      compensation: none (irreversible)")
            case .resolved:
                lines.append("      compensation: done by hand by \(step.resolvedBy ?? "someone"): \(step.resolvedNote ?? "")")
            }
        }
        if let diff {
            lines.append("  files changed (since point \(diff.previous)): \(diff.changes.count)")
            lines += FileChangeTable.lines(diff.changes, indent: "    ")
        } else {
            lines.append("  files changed: unknown (the phase has no rollback point)")
        }
        lines.append("  resume would start at: \(state.resumeStart)")
        Terminal.print(lines.joined(separator: "\n"))
    }
}
