import ArgumentParser
import Belay
import BelayPlaybook
import BelaySupport
import Foundation

struct RehearseCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rehearse",
        abstract: "Prove a playbook can be undone: run it and unwind it in a scratch copy of the workspace.",
        discussion: """
            Copies the workspace (without .belay/) to a temporary folder, runs every phase forward \
            there, then compensates every started step, newest first — without restoring anything \
            afterwards — and checks that the workspace tree is exactly the tree of the run's `start` \
            point and that every compensation succeeded. The real workspace is never touched, except \
            for the evidence: .belay/rehearsals/<sha256 of the playbook file>.json (and the scratch \
            run's journal next to it).

            A gate policy's `rehearsal: true` criterion passes only for a successful rehearsal of \
            the same playbook content (`belay gate --playbook P`, and gate steps of a run of P).

            In a rehearsal, gate steps are evaluated and recorded but never stop the run, and \
            approval steps are approved automatically (by "belay rehearse"), each with a note. Steps \
            really run: commands that reach outside the workspace (a deploy, an API call) do so.

            With a shared store (--store, BELAY_STORE or `store:`), the rehearsal holds the \
            playbook's lock in the store from start to end, as a run would, since its steps may reach \
            the same environment; --lock-wait waits its turn. Its journal and its record stay in the \
            workspace: a rehearsal is not a run of the shared history (docs/store.md).

            Exit status: 0 passed; 1 failed (what differed, or which compensation failed); 2 invalid \
            playbook or usage, or the store is unusable; 4 the shared lock is held by a live run.

            Examples:
              belay rehearse playbooks/quickstart.yml
              belay rehearse deploy.yml --var version=1.4.2 --workspace /srv/site
              belay rehearse deploy.yml --json | jq -r '.result'
              belay rehearse deploy.yml --store postgres://belay@db/belay --lock-wait 10m
            """
    )

    @OptionGroup var input: PlaybookInput

    @Option(help: ArgumentHelp("The workspace to copy (default: as `belay run` picks it).", valueName: "dir"))
    var workspace: String?

    @Flag(help: "Print the rehearsal record as JSON on stdout, and nothing else.")
    var json = false

    @Flag(help: "Keep the scratch copy and print where it is (to inspect what a compensation left).")
    var keep = false

    @Option(help: ArgumentHelp(
        "A shared store whose lock the rehearsal holds (postgres://…; default: BELAY_STORE, else `store:`, else none).",
        valueName: "url"))
    var store: String?

    @Option(help: ArgumentHelp("With a shared store: wait this long for the lock (like 90s, 10m), showing the queue.", valueName: "duration"))
    var lockWait: String?

    func run() async throws {
        let (source, model) = try input.load()
        try input.requireSecrets(of: model)
        let workspaceURL = try input.workspace(of: model, override: workspace)
        let path = input.path
        let choice = StoreChoice(flag: store, playbook: model.store, playbookPath: path)
        let wait = try LockWait.parse(lockWait, shared: choice.url != nil)
        let lockName = model.lockName ?? model.lock ?? StoreChoice.defaultLock(playbook: model.name, workspace: workspaceURL)
        var lock: (any HeldRunLock)?
        if let locks = try choice.openLocks(lock: lockName) { lock = try await RehearsalLock.take(locks, wait: wait) }
        defer { lock?.release() }
        let content = FileManager.default.contents(atPath: input.playbook) ?? Data(source.utf8)
        if !json {
            Terminal.print("\(Terminal.paint("Belay", .bold)) rehearsal of \(model.name) (\(input.playbook)) in a scratch copy of \(workspaceURL.path)")
            if lock != nil { Terminal.print("  holding the lock \(shown(lockName)) of the shared store until the rehearsal ends") }
        }
        let saga = Saga(playbook: model, source: source, sourcePath: path)
        var rehearsal = Rehearsal(saga: saga, playbookPath: path, content: content, workspace: workspaceURL, keepScratch: keep)
        // Logs live in the scratch copy: the renderer reads their tails there.
        let renderer = RunRenderer(json: false, workspace: rehearsal.scratch)
        if !json { rehearsal.observer = { event in renderer.handle(event) } }
        // On SIGINT or SIGTERM the scratch copy goes too (every other exit removes it already).
        let cleanup = ScratchCleanup(root: rehearsal.scratchRoot, keep: keep)
        let result: Rehearsal.Result
        do {
            result = try await rehearsal.run()
            withExtendedLifetime(cleanup) {}
        } catch {
            Terminal.printError("belay: \(EngineErrorText.text(for: error))")
            throw ExitCode(2)
        }
        let record = result.record
        if json {
            Terminal.print(String(decoding: try Data(contentsOf: result.evidence), as: UTF8.self)
                .trimmingCharacters(in: .whitespacesAndNewlines))
        } else {
            Terminal.print(RehearsalVerdict.text(record, evidence: result.evidence, workspace: workspaceURL))
            if keep { Terminal.print("  scratch   \(result.scratch.path)") }
        }
        if !record.succeeded { throw ExitCode(1) }
    }
}
