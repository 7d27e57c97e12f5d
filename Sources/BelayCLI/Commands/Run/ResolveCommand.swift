import ArgumentParser
import Belay
import Foundation

struct ResolveCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "resolve",
        abstract: "Mark a failed compensation as done by hand, so the unwind can go on.",
        discussion: """
            When a run is stuck because a compensation kept failing, and you undid that step's \
            effect yourself, record it: the journal keeps your note and your name (--by, default \
            $USER). Resolve only records; it runs nothing. Then `belay resume <run>` carries the \
            unwind (or rollback) on from the next compensation — a separate step, so you can check \
            the run with `belay status` first.

            Exit status: 0 recorded; 2 unknown run or step, or nothing to resolve; 4 locked.

            Examples:
              belay resolve 20261121-153012-a3f9 --step release/switch --note "pointed current back to 1.1.0 by hand"
              belay resolve release-42 --step db/migrate --note "ran down.sql manually" --by alice --workspace /srv/site
            """
    )

    @Argument(help: ArgumentHelp("The run id (see `belay runs`).", valueName: "run"))
    var runID: String

    @Option(help: ArgumentHelp("The step whose compensation was done by hand.", valueName: "phase/step"))
    var step: String

    @Option(help: ArgumentHelp("What was done by hand (kept in the journal).", valueName: "text"))
    var note: String

    @Option(help: ArgumentHelp("Who did it (default: $USER, else $LOGNAME, else the account name).", valueName: "name"))
    var by: String?

    @OptionGroup var workspace: RunWorkspace

    func run() throws {
        let parts = step.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
            Terminal.printError("belay: --step takes <phase>/<step>, got '\(step)'")
            throw ExitCode(2)
        }
        let key = RunState.StepKey(phase: String(parts[0]), step: String(parts[1]))
        let engine = try workspace.engine()
        _ = try RunLookup.state(run: runID, engine: engine)
        let who = by ?? ApprovalIdentity.currentUser
        let state: RunState
        do {
            state = try engine.resolve(runID, step: key, note: note, by: who)
        } catch {
            throw OperateExit.fail(error)
        }
        Terminal.print("\(Terminal.success()) The compensation of \(key) is marked done by hand (by \(shown(who))): \(shown(note))")
        let owed = state.rollbackTarget.map { state.compensations(rollingBackTo: $0) } ?? state.pendingCompensations
        if owed.isEmpty {
            Terminal.print("  No compensation is owed any more; resume restores the "
                + "\(state.rollbackTarget ?? "start") point and ends the run.")
        } else {
            Terminal.print("  Still to compensate, newest first: \(owed.map(\.description).joined(separator: ", "))")
        }
        Terminal.print("Next: belay resume \(runID) \(workspace.nextArguments)")
    }
}
