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
            `start`, the id of a completed phase, or `<phase>/<step>` for the point a \
            `checkpoint: before` step recorded. Rolling back again to an earlier point compensates \
            only what is still owed. --dry-run prints the compensations, the files that would \
            change and each capture now against the target's, and changes nothing.

            With `capture:` in the playbook, the captures are run again after the restore and \
            compared with the target point: "verified", or a warning with the diff (a failure, \
            exit 1, for a `verify: strict` capture). A capture that changed outside Belay since it \
            last looked refuses the rollback unless --force, as files do.

            Before acting it compares the workspace with the run's last commit and the playbook with \
            the run's snapshot: files changed outside Belay, or a changed playbook, make it refuse \
            unless --force. A failing compensation stops the rollback (stuck): fix the cause and run \
            `belay resume <run>`, or `belay resolve` it.

            Exit status: 0 rolled back (or nothing to do); 1 rolled back, but a strict capture \
            differs; 2 invalid input or refused; 3 stuck; \
            4 the workspace is locked by a live run; 75 paused (Ctrl-C or SIGTERM).

            Examples:
              belay rollback 20261121-153012-a3f9 --to backup --dry-run
              belay rollback 20261121-153012-a3f9 --to backup
              belay rollback release-42 --to start --workspace /srv/site --force
              belay rollback release-42 --to migrate/drop-legacy
              belay rollback release-42 --to migrate --dry-run --json | jq '.compensations'
            """
    )

    @Argument(help: ArgumentHelp("The run id (see `belay runs`).", valueName: "run"))
    var runID: String

    @Option(help: ArgumentHelp("The rollback point: `start`, a phase id, or <phase>/<step>.", valueName: "point"))
    var to: String

    @OptionGroup var workspace: RunWorkspace

    @Flag(help: "Print what would be compensated and which files would change; change nothing.")
    var dryRun = false

    @OptionGroup var secrets: SecretVarInput

    @Flag(help: "Go on even if files changed outside Belay or the playbook changed since the run started.")
    var force = false

    @Flag(help: "JSON: the plan with --dry-run, else the journal events as JSON lines.")
    var json = false

    @OptionGroup var watch: WatchOptions

    @OptionGroup var orphans: OrphanOption

    func run() async throws {
        let workspaceURL = workspace.url
        let (engine, shared) = try workspace.opened()
        let (_, state) = try RunLookup.state(run: runID, engine: engine)
        let folder = RunFolder(workspace: workspaceURL, runID: runID)
        try SharedRunFolder.fill(folder, from: shared)
        var playbookNote: String?
        let saga: Saga
        do {
            saga = try RunSnapshot.saga(
                runID: runID, folder: folder, state: state, force: force || dryRun, secrets: secrets.values,
                requireSecrets: !dryRun)
            if dryRun, !force, (try? RunSnapshot.saga(
                runID: runID, folder: folder, state: state, force: false, requireSecrets: false)) == nil
            {
                playbookNote = "the playbook \(state.source ?? "") changed since the run started: the rollback will refuse without --force"
            }
        } catch {
            throw OperateExit.fail(error)
        }
        let plan: RollbackPlan
        do {
            plan = try await engine.planRollback(runID, to: to, saga: saga, captures: dryRun)
        } catch {
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
        try await RunOperation.carry(json: json, watch: watch, workspace: workspaceURL, initial: state, notify: saga.notify) { options in
            var options = options
            options.orphans = orphans.policy
            return try await engine.rollback(runID, to: to, saga: saga, options: options, force: force)
        }
    }
}
