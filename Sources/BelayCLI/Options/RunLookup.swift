import ArgumentParser
import Belay
import Foundation

/// Finding a run and its workspace for the commands that take `<run>`.
enum RunLookup {
    static func workspace(_ option: String?) -> URL {
        let cwd = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
        guard let option else { return cwd.standardizedFileURL }
        return URL(fileURLWithPath: option, relativeTo: cwd).standardizedFileURL
    }

    /// The run's id and folded state; the latest run when `run` is nil. Exits 2 with a message when
    /// there is no such run.
    static func state(run: String?, workspace: URL) throws -> (String, RunState) {
        try state(run: run, engine: try Engine(workspace: workspace))
    }

    /// `state(run:workspace:)` on a given engine (and its store).
    static func state(run: String?, engine: Engine) throws -> (String, RunState) {
        guard let runID = run ?? engine.runIDs().last else {
            Terminal.printError("belay: no runs in \(engine.workspace.path) (use --workspace to point at the run's workspace, or --store for a shared store)")
            throw ExitCode(2)
        }
        do {
            return (runID, try engine.state(of: runID))
        } catch {
            Terminal.printError("belay: \(EngineErrorText.text(for: error))")
            throw ExitCode(2)
        }
    }
}
