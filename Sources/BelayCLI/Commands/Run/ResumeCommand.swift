import ArgumentParser
import Belay
import BelayPlaybook
import BelaySupport
import Foundation

struct ResumeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "resume",
        abstract: "Continue a paused, waiting, stuck or crashed run from its journal.",
        discussion: """
            Folds the run's journal and carries on from there, with the playbook as it was when the \
            run started (.belay/runs/<run>/playbook.yml) and the run's variables:

              • stuck or interrupted while compensating: retries the unwind from the compensation \
            that failed (compensations must be idempotent), then restores the start point;
              • paused after a failure: runs the failed step again, then the rest;
              • waiting for approval: applies the decision `belay approve` recorded (approved: the \
            step succeeds; rejected: it fails and the run compensates), or on_timeout once the \
            approval's deadline has passed; otherwise asks at a terminal, or keeps waiting (exit 75);
              • crashed (kill -9, power loss): a step left without an outcome is decided by its \
            verify; without verify it is re-run when idempotent, else it counts as failed and the \
            run's failure policy applies (compensation includes that step).

            A rollback that stopped (stuck, paused, crashed) is carried on to its target.

            A step's process group that outlived the Belay process that started it (kill -9 of \
            belay while a step ran) is waited for first, at most until the step's timeout, with a \
            message naming the step and the group; nothing about the step is decided while it runs. \
            Ctrl-C stops waiting (exit 2); --kill-orphans terminates the group instead.

            It refuses when the original playbook file changed since the run started, or when files \
            changed outside Belay since the run's last commit (for a crashed run, changes are only \
            listed when a step started after that commit, since it may have made them); --force goes on. \
            Ctrl-C pauses it like `belay run`.

            Exit status: as `belay run` — 0 completed, 1 failed and compensated, 2 usage or nothing \
            to resume, 3 stuck, 4 locked, 75 paused (Ctrl-C or SIGTERM, --stop-after-phase, \
            --on-failure pause) or still waiting for approval.

            Examples:
              belay resume 20261121-153012-a3f9
              belay resume release-42 --workspace /srv/site --force
            """
    )

    @Argument(help: ArgumentHelp("The run id (see `belay runs`).", valueName: "run"))
    var runID: String

    @OptionGroup var workspace: RunWorkspace

    @OptionGroup var secrets: SecretVarInput

    @Flag(help: "Go on even if the playbook or the workspace changed since the run stopped.")
    var force = false

    @Flag(help: "Print the journal events as JSON lines on stdout, and nothing else.")
    var json = false

    @OptionGroup var watch: WatchOptions

    @OptionGroup var orphans: OrphanOption

    func run() async throws {
        let workspaceURL = workspace.url
        let (engine, shared) = try workspace.opened()
        let (_, state) = try RunLookup.state(run: runID, engine: engine)
        let folder = RunFolder(workspace: workspaceURL, runID: runID)
        try SharedRunFolder.fill(folder, from: shared)
        var options = RunOptions(gateHandler: CLIGateSteps.handler)
        options.orphans = orphans.policy
        // The webhooks of the run's own playbook; a snapshot that no longer loads is the engine's to refuse.
        let notify = (try? RunSnapshot.saga(
            runID: runID, folder: folder, state: state, force: true, secrets: secrets.values, requireSecrets: false))?.notify ?? []
        try await RunOperation.carry(
            json: json, watch: watch, workspace: workspaceURL, initial: state, notify: notify, options: options
        ) { options in
            let saga = try RunSnapshot.saga(
                runID: runID, folder: folder, state: state, force: force, secrets: secrets.values)
            return try await engine.resume(runID, saga: saga, options: options, force: force)
        }
    }
}
