import ArgumentParser
import Belay
import BelaySupport
import Foundation

struct GCCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gc",
        abstract: "Remove old finished runs and repack Belay's git repository.",
        discussion: """
            A run is removed (its folder under .belay/runs: journal, logs, gate reports; and its \
            refs under refs/belay/) only when it is older than --keep-days, is not among the newest \
            --keep-runs, and has finished (completed, compensated, failed or rolled back). A running, \
            paused, compensating, stuck or waiting run always stays, and so does the run that wrote to \
            the workspace last after one of those (its resume and rollback name that run). Then \
            .belay/git is repacked into one pack of what the remaining refs and the stat cache reach; \
            everything else in it goes. The workspace lock is held meanwhile (exit 4 while a run holds it).

            --dry-run changes nothing and says what would go and how many bytes it would free. --json \
            prints {"dry_run", "removed": [{"run", "status", "last_event", "bytes"}], "kept": [{"run", \
            "reason"}], "bytes_freed", "git_bytes_before", "git_bytes_after"}.

            Exit status: 0; 2 a usage mistake or a state folder that cannot be changed; 4 locked.

            Examples:
              belay gc --dry-run
              belay gc --keep-days 30 --keep-runs 50
              belay gc --keep-days 0 --keep-runs 5 --json | jq '.bytes_freed'
            """
    )

    @Option(
        name: .customLong("workspace"),
        help: ArgumentHelp("The workspace whose .belay folder to collect (default: the current directory).", valueName: "dir"))
    var path: String?

    @Option(help: ArgumentHelp("Keep runs whose last event is younger than this many days.", valueName: "days"))
    var keepDays = Retention.defaultKeepDays

    @Option(help: ArgumentHelp("Keep the newest this many runs, however old.", valueName: "count"))
    var keepRuns = Retention.defaultKeepRuns

    @Flag(help: "Say what would be removed and how much it frees; change nothing.")
    var dryRun = false

    @Flag(help: "Print the result as JSON.")
    var json = false

    func validate() throws {
        guard keepDays >= 0 else { throw ValidationError("--keep-days must be 0 or more (got \(keepDays))") }
        guard keepRuns >= 0 else { throw ValidationError("--keep-runs must be 0 or more (got \(keepRuns))") }
    }

    func run() async throws {
        let workspace = RunLookup.workspace(path)
        let collection = GarbageCollection(workspace: workspace, retention: Retention(keepDays: keepDays, keepRuns: keepRuns))
        let report = try await collection.collect(dryRun: dryRun)
        if json {
            Terminal.print(GCReportText.json(report).rendered(pretty: true))
        } else {
            Terminal.write(GCReportText.text(report), to: .standardOutput)
        }
    }
}
