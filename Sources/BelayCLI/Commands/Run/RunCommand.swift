import ArgumentParser
import Belay
import BelayGit
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

            Phase control: --only-phase P runs one phase; --skip-phases P,Q leaves some out; \
            --stop-after-phase P pauses once P completed (exit 75; `belay resume` runs the rest); \
            --resume-from P --assume-previous-complete starts a new run at P, the earlier phases \
            taken as done. Phases not run are journaled as skipped: no rollback point, never compensated.

            Ctrl-C (or SIGTERM) lets the step(s) in flight finish, records the run as paused and exits \
            75; a second Ctrl-C kills them (their outcome is unknown; `belay resume` settles it).

            Exit status: 0 completed; 1 failed (compensated, or stopped); 2 invalid playbook or \
            usage; 3 stuck (a compensation failed); 4 the workspace is locked by another run; \
            75 paused (Ctrl-C or SIGTERM, --stop-after-phase, --on-failure pause) or waiting for approval.

            Examples:
              belay run playbooks/quickstart.yml
              belay run playbooks/quickstart.yml --var version=1.2.0 --var fail_at=release
              belay run deploy.yml --workspace /srv/site --run-id release-42 --on-failure pause
              belay run deploy.yml --json | jq -c 'select(.event == "step_failed")'
              belay run deploy.yml --stop-after-phase canary
              belay run deploy.yml --skip-phases notify,cleanup
              belay run deploy.yml --resume-from migrate --assume-previous-complete
            """
    )

    @OptionGroup var input: PlaybookInput

    @Option(help: ArgumentHelp("The folder whose files are checkpointed and where commands run.", valueName: "dir"))
    var workspace: String?

    @Option(help: ArgumentHelp("The run's id (default: a new one like 20261121-153012-a3f9).", valueName: "id"))
    var runID: String?

    @Option(help: ArgumentHelp("What a critical failure does: compensate, pause or stop.", valueName: "policy"))
    var onFailure: FailurePolicy = .compensate

    @Option(help: ArgumentHelp("Run only this phase; the others are recorded as skipped.", valueName: "phase"))
    var onlyPhase: String?

    @Option(help: ArgumentHelp("Pause (exit 75) once this phase completed; `belay resume` runs the rest.", valueName: "phase"))
    var stopAfterPhase: String?

    @Option(help: ArgumentHelp("Phases not to run, comma-separated; recorded as skipped, never compensated.", valueName: "p,q"))
    var skipPhases: String?

    @Option(help: ArgumentHelp("Start at this phase (needs --assume-previous-complete).", valueName: "phase"))
    var resumeFrom: String?

    @Flag(help: "With --resume-from: the earlier phases were done before; record them as skipped.")
    var assumePreviousComplete = false

    @Flag(help: "Print the journal events as JSON lines on stdout, and nothing else.")
    var json = false

    @Option(help: ArgumentHelp(
        "A shared store for the run, its points and its lock (postgres://…; default: BELAY_STORE, else `store:`, else the workspace).",
        valueName: "url"))
    var store: String?

    @Option(help: ArgumentHelp("With a shared store: wait this long for the lock (like 90s, 10m), showing the queue.", valueName: "duration"))
    var lockWait: String?

    @OptionGroup var watch: WatchOptions

    func run() async throws {
        // The run's first rollback point comes after the playbook is read: libgit2 starts meanwhile.
        try await Libgit2.starting { try await runPlaybook() }
    }

    private func runPlaybook() async throws {
        let (source, model) = try input.load()
        try input.requireSecrets(of: model)
        let workspaceURL = try input.workspace(of: model, override: workspace)
        let selection = try phaseSelection(model)
        var options = RunOptions(runID: runID, onFailure: onFailure, gateHandler: CLIGateSteps.handler)
        options.phases = selection
        let choice = StoreChoice(flag: store, playbook: model.store, playbookPath: input.path)
        let wait = try LockWait.parse(lockWait, shared: choice.url != nil)
        let (engine, shared) = try choice.open(
            workspace: workspaceURL, lock: model.lockName ?? model.lock ?? StoreChoice.defaultLock(playbook: model.name, workspace: workspaceURL))
        if let shared {
            let runID = runID ?? RunID.make()
            options.runID = runID
            do {
                try shared.saveSnapshot(run: runID, source: source)
                if let wait { try await LockWait.queue(shared.locks, run: runID, wait: wait) }
            } catch {
                throw OperateExit.fail(error)
            }
        }
        let saga = Saga(playbook: model, source: source, sourcePath: input.path)
        try await RunOperation.carry(
            json: json, watch: watch, workspace: workspaceURL, notify: saga.notify, options: options
        ) { options in
            try await engine.run(saga, options: options)
        }
    }

    /// The phase flags, checked against the playbook (unknown phase: exit 2 with a did-you-mean).
    private func phaseSelection(_ model: Playbook) throws -> PhaseSelection {
        if resumeFrom != nil, !assumePreviousComplete {
            Terminal.printError("belay: --resume-from starts a new run in the middle of the playbook; add "
                + "--assume-previous-complete to confirm the earlier phases were already done (to continue a stopped "
                + "run, use `belay resume <run>`)")
            throw ExitCode(2)
        }
        if assumePreviousComplete, resumeFrom == nil {
            Terminal.printError("belay: --assume-previous-complete goes with --resume-from <phase>")
            throw ExitCode(2)
        }
        let skip = (skipPhases ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        let selection = PhaseSelection(only: onlyPhase, skip: skip, startAt: resumeFrom, stopAfter: stopAfterPhase)
        let ids = model.executionOrder().map(\.id)
        do { try selection.validate(phaseIDs: ids) } catch {
            Terminal.printError("belay: \(EngineErrorText.text(for: error))")
            throw ExitCode(2)
        }
        if let resumeFrom, let index = ids.firstIndex(of: resumeFrom), index > 0 {
            Terminal.printError("warning: --resume-from \(resumeFrom) assumes phase\(index == 1 ? "" : "s") "
                + "\(ids[..<index].joined(separator: ", ")) already completed: they are recorded as skipped, get no "
                + "rollback point, and a rollback never compensates them")
        }
        return selection
    }
}
