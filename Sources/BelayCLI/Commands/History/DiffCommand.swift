import ArgumentParser
import Belay
import BelayGit
import BelaySupport
import Foundation

struct DiffCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "diff",
        abstract: "Show the files a phase changed, with lines added and removed.",
        discussion: """
            Compares the rollback point before the phase with the phase's own point (both commits \
            in <workspace>/.belay/git): added, modified, deleted and renamed files, with line \
            counts. A phase that was skipped or never completed has no point, hence no diff. For \
            the full patch: git --git-dir <workspace>/.belay/git diff <from-commit> <to-commit>. \
            When the playbook has `capture:` commands, each capture's unified diff between the two \
            points follows (the DDL a migration made).

            Exit status: 0; 2 unknown run or phase, or a usage mistake.

            Examples:
              belay diff 20261121-153012-a3f9 migrate
              belay diff release-42 release --workspace /srv/site --json
            """
    )

    @Argument(help: ArgumentHelp("The run id.", valueName: "run"))
    var runID: String

    @Argument(help: ArgumentHelp("The phase id.", valueName: "phase"))
    var phase: String

    @OptionGroup var workspace: RunWorkspace

    @Flag(help: "Print the changes as JSON.")
    var json = false

    func run() async throws {
        let workspaceURL = workspace.url
        let engine = try workspace.reader()
        _ = try RunLookup.state(run: runID, engine: engine)
        let previous: String
        let changes: [FileChange]
        let history: RunHistory
        let captures: [CaptureComparison]
        do {
            history = try engine.history(runID)
            (previous, changes) = try await history.changes(ofPhase: phase)
            captures = try await history.captureChanges(from: previous, to: phase)
        } catch {
            throw OperateExit.fail(error)
        }
        let from = history.state.points[previous] ?? ""
        let to = history.state.points[phase] ?? ""
        if json {
            Terminal.print(JSONText.object([
                ("run", .string(runID)), ("phase", .string(phase)), ("from", .string(previous)),
                ("from_commit", .string(from)), ("to_commit", .string(to)),
                ("files", .array(changes.map(FileChangeTable.json))),
                ("captures", .array(captures.map(CaptureLines.json))),
            ]).rendered(pretty: true))
            return
        }
        let added = changes.reduce(0) { $0 + $1.linesAdded }
        let removed = changes.reduce(0) { $0 + $1.linesRemoved }
        var lines = ["Phase \(phase) of run \(runID): \(count(changes.count, "file")) changed between the points "
            + "\(previous) (\(from.prefix(10))) and \(phase) (\(to.prefix(10))), +\(added) -\(removed)"]
        lines += FileChangeTable.lines(changes)
        if !changes.isEmpty {
            lines.append("Full patch: git --git-dir \(workspaceURL.path)/.belay/git diff \(from.prefix(12)) \(to.prefix(12))")
        }
        lines += CaptureLines.diff(captures)
        Terminal.print(lines.joined(separator: "\n"))
    }
}
