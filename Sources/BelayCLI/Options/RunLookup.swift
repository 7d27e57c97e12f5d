import ArgumentParser
import Belay
import BelaySupport
import Foundation

/// Finding a run and its workspace for the commands that take `<run>`.
enum RunLookup {
    /// `--workspace` when given; else the nearest folder, from the current one upwards, that holds
    /// a `.belay/` folder (as git finds `.git/`), so a command works from any subfolder; else the
    /// current folder.
    static func workspace(_ option: String?) -> URL {
        let cwd = URL(fileURLWithPath: FileManager.default.currentDirectoryPath).standardizedFileURL
        guard let option else { return enclosingWorkspace(of: cwd) ?? cwd }
        return URL(fileURLWithPath: option, relativeTo: cwd).standardizedFileURL
    }

    static func enclosingWorkspace(of folder: URL) -> URL? {
        var current = folder
        while true {
            var isFolder: ObjCBool = false
            if FileManager.default.fileExists(atPath: current.appendingPathComponent(".belay").path, isDirectory: &isFolder),
                isFolder.boolValue
            {
                return current
            }
            let parent = current.deletingLastPathComponent().standardizedFileURL
            if parent.path == current.path { return nil }
            current = parent
        }
    }

    /// The run's id and folded state; the latest run when `run` is nil. Exits 2 with a message when
    /// there is no such run.
    static func state(run: String?, workspace: URL) throws -> (String, RunState) {
        try state(run: run, engine: try Engine(workspace: workspace))
    }

    /// `state(run:workspace:)` on a given engine (and its store).
    static func state(run: String?, engine: Engine) throws -> (String, RunState) {
        let runID = try runID(run: run, engine: engine)
        do {
            return (runID, try engine.state(of: runID))
        } catch {
            Terminal.printError("belay: \(EngineErrorText.text(for: error))")
            throw ExitCode(2)
        }
    }

    /// The run meant (`run`, else the latest), checked to exist, without reading its journal.
    static func runID(run: String?, engine: Engine) throws -> String {
        guard let runID = run ?? engine.runIDs().last else {
            Terminal.printError("belay: no runs in \(engine.workspace.path) (use --workspace to point at the run's workspace, or --store for a shared store)")
            throw ExitCode(2)
        }
        if !RunID.isValid(runID) {
            Terminal.printError("belay: \(EngineErrorText.text(for: EngineError(.invalidSaga, .invalidRunID(runID))))")
            throw ExitCode(2)
        }
        // A local journal's file says at once whether the run exists; listing every run (which reads
        // the head of each journal) is left for the hint.
        let local = engine.stores.journal is LocalRunJournal
        if run != nil,
            local ? !FileManager.default.fileExists(atPath: RunFolder(workspace: engine.workspace, runID: runID).journal.path)
                : !engine.runIDs().contains(runID)
        {
            let known = engine.runIDs()
            let hint = Suggestion.hint(for: runID, among: known).map { "; \($0)" } ?? ""
            Terminal.printError("belay: no run '\(runID)' in \(engine.workspace.path)\(hint) (`belay runs` lists them)")
            throw ExitCode(2)
        }
        return runID
    }
}
