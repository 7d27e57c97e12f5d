import ArgumentParser
import Belay
import BelaySupport
import Foundation

struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show where a run stands: its status, each phase and step, and its rollback points.",
        discussion: """
            Reads the run's journal (.belay/runs/<run>/journal.jsonl) and folds it into the run's \
            state; nothing is run or changed. Without a run id, shows the latest run of the workspace.

            --json prints exactly {"run", "playbook", "status", "phases": [{"id", "status", \
            "checkpoint", "steps": [{"id", "status", "attempts", "duration_ms"}]}]}.

            When the workspace's .belay folder is larger than BELAY_STATE_LIMIT (default 1G; \
            `500M`, `2G`, `off`), a warning on stderr suggests `belay gc`.

            Exit status: 0; 2 unknown run or phase, or a usage mistake.

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

    func run() async throws {
        let (engine, shared) = try workspace.openedForReading()
        // The size check walks every file under `.belay`: it runs beside the fold, on another core.
        let sizeCheck = Task.detached { [workspace = engine.workspace] in
            shared == nil ? StateSize.overLimit(workspace: workspace) : nil
        }
        let (runID, state) = try RunLookup.state(run: self.runID, engine: engine)
        if let over = await sizeCheck.value {
            Terminal.printError(
                "belay: warning: \(engine.workspace.path)/.belay holds \(ByteText.format(over.bytes)), past its limit of "
                    + "\(ByteText.format(over.limit)) (BELAY_STATE_LIMIT); `belay gc --dry-run` says what old runs would free")
        }
        if json {
            Terminal.print(StatusJSON.object(runID: runID, state: state).rendered(pretty: true))
            return
        }
        let holder = LiveRun.holder(run: runID, workspace: engine.workspace)
        Terminal.write(StatusText.render(state, runID: runID, holder: holder), to: .standardOutput)
    }
}
