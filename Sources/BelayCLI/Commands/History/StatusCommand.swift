import ArgumentParser
import Belay
import BelaySupport
import Foundation

struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show where a run stands: its status, each phase and step, and its rollback points.",
        discussion: """
            Reads the run's journal (.belay/runs/<run>/journal.jsonl) and folds it into the run's \
            state; nothing is run or changed. Without a run id, shows the latest run of the workspace.

            --json prints exactly {"run", "playbook", "status", "phases": [{"id", "status", \
            "checkpoint", "steps": [{"id", "status", "attempts", "duration_ms"}]}]}.

            Examples:
              belay status
              belay status 20261121-153012-a3f9 --workspace playbooks/quickstart
              belay status --json | jq -r '.status'
            """
    )

    @Argument(help: ArgumentHelp("The run id (default: the latest run).", valueName: "run"))
    var runID: String?

    @OptionGroup var workspace: RunWorkspace

    @Flag(help: "Print the status as JSON.")
    var json = false

    func run() throws {
        let workspaceURL = workspace.url
        let (runID, state) = try RunLookup.state(run: self.runID, workspace: workspaceURL)
        if json {
            Terminal.print(StatusJSON.object(runID: runID, state: state).rendered(pretty: true))
            return
        }
        Terminal.write(StatusText.render(state, runID: runID), to: .standardOutput)
    }
}

/// Finding a run and its workspace for the commands that take `<run>`.
enum RunLookup {
    static func workspace(_ option: String?) -> URL {
        let cwd = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
        guard let option else { return cwd.standardizedFileURL }
        return URL(fileURLWithPath: option, relativeTo: cwd).standardizedFileURL
    }

    /// The run's id and folded state; the latest run when `run` is nil. Exits 2 with a message when
    /// there is no such run.
    static func state(run: String?, workspace: URL) throws -> (String, RunState) {
        guard let runID = run ?? RunFolder.runIDs(in: workspace).last else {
            Terminal.printError("belay: no runs in \(workspace.path) (use --workspace to point at the run's workspace)")
            throw ExitCode(2)
        }
        do {
            return (runID, try RunFolder(workspace: workspace, runID: runID).state())
        } catch let error as EngineError {
            Terminal.printError("belay: \(error.message)")
            throw ExitCode(2)
        }
    }
}

/// The `status --json` contract (DESIGN §7), keys in the contract's order.
enum StatusJSON {
    static func object(runID: String, state: RunState) -> JSONText {
        .object([
            ("run", .string(runID)),
            ("playbook", .optional(state.playbook)),
            ("status", .string(state.status.rawValue)),
            ("phases", .array(state.phases.map { phase in
                .object([
                    ("id", .string(phase.id)),
                    ("status", .string(phase.status.rawValue)),
                    ("checkpoint", .optional(phase.checkpoint)),
                    ("steps", .array(phase.steps.map { step in
                        .object([
                            ("id", .string(step.id)),
                            ("status", .string(step.status.rawValue)),
                            ("attempts", .int(Int64(step.attempts))),
                            ("duration_ms", .optional(step.durationMs)),
                        ])
                    })),
                ])
            })),
        ])
    }
}

/// `belay status` for people.
enum StatusText {
    static func render(_ state: RunState, runID: String) -> String {
        var lines: [String] = []
        let color: Terminal.Color =
            switch state.status {
            case .completed, .compensated: .green
            case .stuck, .failed: .red
            default: .yellow
            }
        lines.append("Run \(runID) · \(state.playbook ?? "?") · " + Terminal.paint(state.status.rawValue, color))
        var facts: [String] = []
        if let started = state.startedAt { facts.append("started \(JournalClock.format(started))") }
        if let ms = state.durationMs { facts.append("took \(DurationFormat.format(milliseconds: ms))") }
        if let workspace = state.workspace { facts.append("workspace \(workspace)") }
        lines.append("  " + facts.joined(separator: " · "))
        if let failure = state.failure { lines.append("  failed at \(failure.step): \(failure.error)") }
        if let waiting = state.waitingApproval, let approval = state.approvals[waiting] {
            lines.append(Terminal.paint("  waiting for approval at \(waiting): \(approval.message)", .yellow)
                + (approval.deadline.map { " (until \($0))" } ?? ""))
            lines.append("  decide with: belay approve \(state.runID ?? "<run>") [--reject] --by NAME --comment TEXT")
        }
        if let stuck = state.stuckAt {
            let step = state.step(stuck)
            lines.append(Terminal.paint("  stuck: the compensation of \(stuck) failed", .red)
                + (step?.compensationError.map { ": \($0)" } ?? ""))
            if let log = step?.compensationLog { lines.append("  log: \(log)") }
        }
        for phase in state.phases {
            let point = phase.checkpoint.map { "  point \($0.prefix(10))" } ?? ""
            lines.append("  ▸ \(phase.id)  \(phase.status.rawValue)\(point)")
            for step in phase.steps {
                let mark: String =
                    switch step.status {
                    case .succeeded: Terminal.paint("✓", .green)
                    case .failed: step.warning ? Terminal.paint("⚠", .yellow) : Terminal.paint("✗", .red)
                    case .compensated: Terminal.paint("↺", .green)
                    case .compensationFailed: Terminal.paint("‼", .red)
                    case .running: "…"
                    case .pending, .skipped: "·"
                    }
                var detail = step.status.rawValue
                if step.attempts > 1 { detail += ", \(step.attempts) attempts" }
                if let ms = step.durationMs { detail += ", \(DurationFormat.format(milliseconds: ms))" }
                if let error = step.error { detail += " — \(error)" }
                lines.append("      \(mark) \(step.id)  \(detail)")
            }
        }
        if !state.pointOrder.isEmpty { lines.append("  points: \(state.pointOrder.joined(separator: ", "))") }
        return lines.joined(separator: "\n") + "\n"
    }
}
