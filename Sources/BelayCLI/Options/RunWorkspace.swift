import ArgumentParser
import Foundation

/// `--workspace D` as every command that reads a recorded run takes it: the folder holding the run's
/// `.belay/`, the current directory by default.
struct RunWorkspace: ParsableArguments {
    @Option(
        name: .customLong("workspace"),
        help: ArgumentHelp("The workspace holding the run's .belay folder (default: the current directory).", valueName: "dir"))
    var path: String?

    var url: URL { RunLookup.workspace(path) }
}
