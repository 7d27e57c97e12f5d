import ArgumentParser
import Belay
import BelayPostgres
import Foundation

/// `--workspace D` as every command that reads a recorded run takes it: the folder holding the run's
/// `.belay/`, the current directory by default.
struct RunWorkspace: ParsableArguments {
    @Option(
        name: .customLong("workspace"),
        help: ArgumentHelp("The workspace holding the run's .belay folder (default: the current directory).", valueName: "dir"))
    var path: String?

    @Option(
        name: .customLong("store"),
        help: ArgumentHelp("A shared store holding the run (postgres://…; default: BELAY_STORE, else the workspace).", valueName: "url"))
    var store: String?

    var url: URL { RunLookup.workspace(path) }

    /// An engine on the workspace and the chosen store (exits 2 when the store is unusable).
    func opened() throws -> (engine: Engine, shared: PostgresStore?) {
        try StoreChoice(flag: store).open(workspace: url, lock: url.path)
    }

    func engine() throws -> Engine { try opened().engine }

    /// As `opened()`, for a command that only reads runs (its git repository opens on first need).
    func openedForReading() throws -> (engine: Engine, shared: PostgresStore?) {
        try StoreChoice(flag: store).open(workspace: url, lock: url.path, reading: true)
    }

    func reader() throws -> Engine { try openedForReading().engine }

    /// What a suggested next command needs to find the run again: the workspace, and the store
    /// when it was named on this command (its URL may hold a password, so it is not repeated).
    var nextArguments: String { "--workspace \(url.path)" + (store.map { _ in " --store …" } ?? "") }
}
