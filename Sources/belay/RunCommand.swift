import ArgumentParser
import Belay
import BelayPlaybook
import BelaySupport
import Foundation

struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a playbook as a saga: phases in order, rollback points, compensation on failure.",
        discussion: """
            Runs the phases in dependency order. Each step's command runs as \
            `<shell> -euo pipefail -c '<command>'` in the workspace, with BELAY_* variables; its output \
            goes to .belay/runs/<run>/logs/. A `start` rollback point is recorded before the first \
            phase and one after each completed phase (git commits in <workspace>/.belay/git).

            When a critical step fails (after its retries), the default `--on-failure compensate` \
            runs the compensation of every started step, the failed one included, newest first, then \
            restores the workspace to the `start` point. `pause` stops and waits for `belay resume` \
            or `belay rollback`; `stop` stops without compensating.

            The workspace is --workspace, else the playbook's `workspace:` (relative to the playbook's \
            folder), else the playbook's folder.

            Exit status: 0 completed; 1 failed (compensated, or stopped); 2 invalid playbook or \
            usage; 3 stuck (a compensation failed); 4 the workspace is locked by another run; \
            75 paused or waiting for approval.

            Examples:
              belay run playbooks/quickstart.yml
              belay run playbooks/quickstart.yml --var version=1.2.0 --var fail_at=release
              belay run deploy.yml --workspace /srv/site --run-id release-42 --on-failure pause
              belay run deploy.yml --json | jq -c 'select(.event == "step_failed")'
            """
    )

    @Argument(help: "The playbook file.")
    var playbook: String

    @Option(help: ArgumentHelp("The folder whose files are checkpointed and where commands run.", valueName: "dir"))
    var workspace: String?

    @Option(help: ArgumentHelp("The run's id (default: a new one like 20261121-153012-a3f9).", valueName: "id"))
    var runID: String?

    @Option(name: .customLong("var"), help: ArgumentHelp("Set a declared variable.", valueName: "name=value"))
    var vars: [String] = []

    @Option(help: ArgumentHelp("What a critical failure does: compensate, pause or stop.", valueName: "policy"))
    var onFailure: FailurePolicy = .compensate

    @Flag(help: "Print the journal events as JSON lines on stdout, and nothing else.")
    var json = false

    func validate() throws {
        for assignment in vars where !assignment.contains("=") || assignment.hasPrefix("=") {
            throw ValidationError("--var takes name=value, got '\(assignment)'")
        }
    }

    func run() async throws {
        let overrides = Dictionary(
            vars.map { assignment in
                let parts = assignment.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                return (String(parts[0]), parts.count > 1 ? String(parts[1]) : "")
            }, uniquingKeysWith: { _, last in last })
        let source: String
        let model: Playbook
        do {
            source = try PlaybookLoader.read(playbook)
            model = try PlaybookLoader.load(text: source, file: playbook, overrides: overrides)
        } catch {
            for diagnostic in error.diagnostics { Terminal.printError(diagnostic.rendered) }
            throw ExitCode(2)
        }
        let workspaceURL = resolveWorkspace(model)
        let renderer = RunRenderer(json: json, workspace: workspaceURL)
        let outcome: RunOutcome
        do {
            let engine = try Engine(workspace: workspaceURL)
            outcome = try await engine.run(
                Saga(playbook: model, source: source, sourcePath: URL(fileURLWithPath: playbook).standardizedFileURL.path),
                options: RunOptions(
                    runID: runID, onFailure: onFailure, observer: { renderer.handle($0) },
                    gateHandler: CLIGateSteps.handler))
        } catch let error as EngineError {
            Terminal.printError("belay: \(error.message)")
            throw ExitCode(error.code == .locked ? 4 : 2)
        }
        renderer.finish(outcome)
        throw ExitCode(outcome.exitCode)
    }

    /// --workspace, else the playbook's `workspace:` (relative to its folder), else its folder.
    private func resolveWorkspace(_ model: Playbook) -> URL {
        let cwd = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
        if let workspace { return URL(fileURLWithPath: workspace, relativeTo: cwd).standardizedFileURL }
        let folder = URL(fileURLWithPath: playbook, relativeTo: cwd).standardizedFileURL.deletingLastPathComponent()
        guard let relative = model.workspace, !relative.isEmpty else { return folder }
        if relative.hasPrefix("/") { return URL(fileURLWithPath: relative).standardizedFileURL }
        return folder.appendingPathComponent(relative).standardizedFileURL
    }
}

extension FailurePolicy: ExpressibleByArgument {}
