import ArgumentParser
import Belay
import BelayGit
import BelaySupport
import Foundation

struct RollbackCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rollback",
        abstract: "Undo a run back to a phase boundary: compensate the later phases, restore that point.",
        discussion: """
            Compensates every started step of the phases after the target, newest first (a step \
            already compensated, a skipped phase, an irreversible step: nothing runs for them), then \
            makes the workspace exactly the target rollback point's tree and records a `rollback` \
            commit (history is append-only). The run ends `rolled_back`.

            Works on a completed, paused, failed, stuck or crashed run. The target is required: \
            `start` or the id of a completed phase. Rolling back again to an earlier point compensates \
            only what is still owed. --dry-run prints the compensations and the files that would \
            change, and changes nothing.

            Before acting it compares the workspace with the run's last commit and the playbook with \
            the run's snapshot: files changed outside Belay, or a changed playbook, make it refuse \
            unless --force. A failing compensation stops the rollback (stuck): fix the cause and run \
            `belay resume <run>`, or `belay resolve` it.

            Exit status: 0 rolled back (or nothing to do); 2 invalid input or refused; 3 stuck; \
            4 the workspace is locked by a live run; 75 paused by Ctrl-C.

            Examples:
              belay rollback 20261121-153012-a3f9 --to backup --dry-run
              belay rollback 20261121-153012-a3f9 --to backup
              belay rollback release-42 --to start --workspace /srv/site --force
              belay rollback release-42 --to migrate --dry-run --json | jq '.compensations'
            """
    )

    @Argument(help: ArgumentHelp("The run id (see `belay runs`).", valueName: "run"))
    var runID: String

    @Option(help: ArgumentHelp("The rollback point: `start` or a phase id.", valueName: "point"))
    var to: String

    @OptionGroup var workspace: RunWorkspace

    @Flag(help: "Print what would be compensated and which files would change; change nothing.")
    var dryRun = false

    @Flag(help: "Go on even if files changed outside Belay or the playbook changed since the run started.")
    var force = false

    @Flag(help: "JSON: the plan with --dry-run, else the journal events as JSON lines.")
    var json = false

    func run() async throws {
        let workspaceURL = workspace.url
        let (_, state) = try RunLookup.state(run: runID, workspace: workspaceURL)
        let folder = RunFolder(workspace: workspaceURL, runID: runID)
        var playbookNote: String?
        let saga: Saga
        do {
            saga = try RunSnapshot.saga(runID: runID, folder: folder, state: state, force: force || dryRun)
            if dryRun, !force, (try? RunSnapshot.saga(runID: runID, folder: folder, state: state, force: false)) == nil {
                playbookNote = "the playbook \(state.source ?? "") changed since the run started: the rollback will refuse without --force"
            }
        } catch let error as EngineError {
            throw OperateExit.fail(error)
        }
        let engine: Engine
        let plan: RollbackPlan
        do {
            engine = try Engine(workspace: workspaceURL)
            plan = try await engine.planRollback(runID, to: to, saga: saga)
        } catch let error as EngineError {
            throw OperateExit.fail(error)
        }
        if plan.nothingToDo {
            if json, dryRun { Terminal.print(RollbackPlanText.json(plan, playbookNote: playbookNote).rendered(pretty: true)) }
            else { Terminal.print("\(plan.nothingToDoReason ?? "nothing to do"); nothing to roll back.") }
            return
        }
        if dryRun {
            if json {
                Terminal.print(RollbackPlanText.json(plan, playbookNote: playbookNote).rendered(pretty: true))
            } else {
                Terminal.write(RollbackPlanText.render(plan, workspace: workspaceURL, playbookNote: playbookNote, force: force), to: .standardOutput)
            }
            return
        }
        let renderer = RunRenderer(json: json, workspace: workspaceURL, initial: state)
        var options = RunOptions(observer: { renderer.handle($0) })
        let interruption = RunInterruption()
        let watch = interruption.watchSignals(onRequest: OperateExit.announce)
        options.interruption = interruption
        let outcome: RunOutcome
        do {
            outcome = try await engine.rollback(runID, to: to, saga: saga, options: options, force: force)
        } catch let error as EngineError {
            throw OperateExit.fail(error)
        }
        withExtendedLifetime(watch) {}
        renderer.finish(outcome)
        throw ExitCode(outcome.exitCode)
    }
}

/// Shared by the commands that operate on a recorded run.
enum OperateExit {
    /// Prints the engine's message; exit 4 for a lock held by a live run, else 2.
    static func fail(_ error: EngineError) -> ExitCode {
        Terminal.printError("belay: \(error.message)")
        return ExitCode(error.code == .locked ? 4 : 2)
    }

    /// Tells the operator what a signal does.
    @Sendable static func announce(_ level: RunInterruption.Level) {
        switch level {
        case .pause:
            Terminal.printError("\nbelay: pausing: letting the step(s) in flight finish, then the run stops (exit 75). "
                + "Press Ctrl-C again to kill them.")
        case .kill:
            Terminal.printError("\nbelay: killing the step(s) in flight; their outcome is recorded as unknown, "
                + "and `belay resume` settles them (verify, re-run if idempotent, else compensate).")
        case .none:
            break
        }
    }

    static func lines(_ change: FileChange) -> String {
        change.isBinary ? "binary" : "+\(change.linesAdded) -\(change.linesRemoved)"
    }

    static func kind(_ change: FileChange) -> String {
        switch change.kind {
        case .added: "added"
        case .modified: "modified"
        case .deleted: "deleted"
        case .renamed: "renamed"
        case .typeChanged: "type changed"
        }
    }

    static func changeJSON(_ change: FileChange) -> JSONText {
        .object([
            ("path", .string(change.path)), ("change", .string(change.kind.rawValue)),
            ("added", .int(Int64(change.linesAdded))), ("removed", .int(Int64(change.linesRemoved))),
            ("binary", .bool(change.isBinary)), ("from", .optional(change.oldPath)),
        ])
    }

    /// `  modified  app.txt  +1 -1`, aligned.
    static func changeLines(_ changes: [FileChange], indent: String = "  ") -> [String] {
        let width = changes.map { kind($0).count }.max() ?? 0
        let pathWidth = changes.map { displayPath($0).count }.max() ?? 0
        return changes.map { change in
            let k = kind(change)
            let path = displayPath(change)
            return indent + k + String(repeating: " ", count: width - k.count) + "  " + path
                + String(repeating: " ", count: pathWidth - path.count) + "  " + lines(change)
        }
    }

    static func displayPath(_ change: FileChange) -> String {
        change.oldPath.map { "\($0) → \(change.path)" } ?? change.path
    }
}

/// The `rollback --dry-run` report.
enum RollbackPlanText {
    static func render(_ plan: RollbackPlan, workspace: URL, playbookNote: String?, force: Bool) -> String {
        var lines: [String] = []
        let target = plan.target == "start" ? "the start point" : "phase \(plan.target)"
        lines.append("Rollback of run \(plan.runID) to \(target) (commit \(plan.targetCommit.prefix(10))) — dry run: nothing is changed")
        lines.append("")
        if plan.compensations.isEmpty {
            lines.append("Compensations: none (nothing started after \(plan.target) is still owed one)")
        } else {
            lines.append("Compensations, newest first (\(plan.compensations.count)):")
            for (number, item) in plan.compensations.enumerated() {
                let label = "  \(number + 1). \(item.step)"
                let what = item.note ?? item.command.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) } ?? "(code)"
                lines.append(label + "  " + what.split(separator: "\n").joined(separator: "\n" + String(repeating: " ", count: label.count + 2)))
            }
        }
        lines.append("")
        if plan.fileChanges.isEmpty {
            lines.append("Then the workspace is restored to \(plan.target): no file differs from it now")
        } else {
            lines.append("Then the workspace is restored to \(plan.target): \(count(plan.fileChanges.count, "file")) change")
            lines += OperateExit.changeLines(plan.fileChanges, indent: "  ")
        }
        if !plan.drift.isEmpty {
            lines.append("")
            lines.append("Files changed outside Belay since the run's last commit"
                + (force ? " (--force: the rollback goes on):" : " — the rollback refuses without --force:"))
            lines += plan.drift.map { "  " + $0 }
        }
        if let playbookNote {
            lines.append("")
            lines.append("Note: \(playbookNote)")
        }
        lines.append("")
        lines.append("To do it: belay rollback \(plan.runID) --to \(plan.target) --workspace \(workspace.path)")
        return lines.joined(separator: "\n") + "\n"
    }

    static func json(_ plan: RollbackPlan, playbookNote: String?) -> JSONText {
        .object([
            ("run", .string(plan.runID)), ("target", .string(plan.target)),
            ("target_commit", .string(plan.targetCommit)), ("dry_run", .bool(true)),
            ("nothing_to_do", .bool(plan.nothingToDo)), ("reason", .optional(plan.nothingToDoReason)),
            ("phases_undone", .array(plan.phasesUndone.map(JSONText.string))),
            ("compensations", .array(plan.compensations.map { item in
                .object([
                    ("phase", .string(item.step.phase)), ("step", .string(item.step.step)),
                    ("command", .optional(item.command)), ("note", .optional(item.note)),
                ])
            })),
            ("files", .array(plan.fileChanges.map(OperateExit.changeJSON))),
            ("drift", .array(plan.drift.map(JSONText.string))),
            ("playbook_changed", .bool(playbookNote != nil)),
        ])
    }
}
