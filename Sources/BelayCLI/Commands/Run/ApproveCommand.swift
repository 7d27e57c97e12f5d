import ArgumentParser
import Belay
import Foundation

struct ApproveCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "approve",
        abstract: "Approve (or reject) the step a run is waiting at; then `belay resume` carries it on.",
        discussion: """
            A run that reaches an approval step (or a gate whose CONDITIONAL_PROCEED asks for a person) \
            without a terminal to ask ends `waiting_approval` (exit 75). This records the decision in \
            the run's journal — who, when, the comment, approved or rejected — holding the workspace \
            lock only for the append. Nothing runs until `belay resume <run>`: an approved step \
            succeeds and the run goes on; a rejected one fails and the run compensates as usual.

            Exit status: 0 recorded; 2 unknown run or nothing waiting; 4 a process is running the run.

            Examples:
              belay approve 20261121-153012-a3f9 --by ana --comment "canary looks good"
              belay approve release-42 --reject --by ana --comment "error rate up" --workspace /srv/site
              belay resume release-42 --workspace /srv/site
            """
    )

    @Argument(help: ArgumentHelp("The waiting run (see `belay status`).", valueName: "run"))
    var runID: String

    @Flag(help: "Reject instead of approving: the step fails and the run compensates on resume.")
    var reject = false

    @Option(help: ArgumentHelp("Who decides (default: $USER).", valueName: "name"))
    var by: String?

    @Option(help: ArgumentHelp("Why, for the journal and the phase's checkpoint commit.", valueName: "text"))
    var comment: String?

    @OptionGroup var workspace: RunWorkspace

    func run() throws {
        let who = by ?? ApprovalIdentity.currentUser
        let engine = try workspace.engine()
        let recorded: (step: RunState.StepKey, event: JournalEvent)
        do {
            recorded = try engine.approve(runID, approved: !reject, by: who, comment: comment)
        } catch {
            Terminal.printError("belay: \(EngineErrorText.text(for: error))")
            throw ExitCode(error.code == .locked ? 4 : 2)
        }
        let verb = reject ? "Rejected" : "Approved"
        let mark = reject ? Terminal.paint("✗", .red) : Terminal.success()
        Terminal.print("\(mark) \(verb) \(recorded.step) of run \(runID) (by \(shown(who))\(comment.map { ": \(shown($0))" } ?? ""))")
        Terminal.print("Next: belay resume \(runID) \(workspace.nextArguments)")
    }
}
