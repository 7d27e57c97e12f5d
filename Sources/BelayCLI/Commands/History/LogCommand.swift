import ArgumentParser
import Belay
import BelaySupport
import Foundation

struct LogCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "log",
        abstract: "Tell a run's story: every phase, step, attempt, failure, compensation, rollback and resolve, with times.",
        discussion: """
            Reads the run's journal and prints one line per thing that happened, in order, with its \
            time (UTC): phases and their rollback points, steps with attempts and exit codes, \
            failures with the path of their log, compensations, pauses, resumes, rollbacks with their \
            target, and resolves with the note and who made them. Ends with where the run stands and \
            where a `belay resume` would start. --json prints the journal events as an array, each \
            with a "summary" line.

            Exit status: 0; 2 unknown run or phase, or a usage mistake.
            --follow tails a run from another terminal: the story so far, then each event as it is \
            journaled, until no process carries the run on any more (it ended, paused, waits for an \
            approval or its process died); with --json, one event per line.

            Examples:
              belay log 20261121-153012-a3f9
              belay log release-42 --workspace /srv/site
              belay log release-42 --follow
              belay log release-42 --json | jq -r '.[] | select(.event == "step_failed") | .summary'
            """
    )

    @Argument(help: ArgumentHelp("The run id (default: the latest run).", valueName: "run"))
    var runID: String?

    @OptionGroup var workspace: RunWorkspace

    @Flag(help: "Print the events as a JSON array, each with a summary (with --follow, one per line).")
    var json = false

    @Flag(help: "Keep printing events as the run journals them, until no process carries it on.")
    var follow = false

    func run() async throws {
        let engine = try workspace.reader()
        let runID = try RunLookup.runID(run: self.runID, engine: engine)
        if follow {
            try await LogFollow.follow(runID: runID, workspace: engine.workspace, json: json)
            return
        }
        if json {
            let history: RunHistory
            do { history = try engine.history(runID) } catch {
                throw OperateExit.fail(error)
            }
            Terminal.print(RunStory(history: history).json().rendered(pretty: true))
            return
        }
        // Told as it is read, many lines at a time: a long run's events are never all held.
        do {
            try RunStory.tell(runID: runID, engine: engine) { Terminal.write(bytes: $0, to: .standardOutput) }
        } catch {
            throw OperateExit.fail(error)
        }
    }
}
