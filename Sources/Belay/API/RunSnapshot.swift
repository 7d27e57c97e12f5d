import BelayPlaybook
import Foundation

/// The saga a recorded run continues with: its playbook snapshot (`.belay/runs/<run>/playbook.yml`)
/// and its variables, as `resume` and `rollback` need it.
public enum RunSnapshot {
    /// Loads the run's snapshot.
    /// - Parameter force: accept a playbook file that changed since the run started.
    /// - Throws: `.playbookChanged` when the original file differs from the snapshot (unless
    ///   `force`); `.noSnapshot` when there is none; `.invalidSnapshot` when it no longer loads.
    public static func saga(runID: String, folder: RunFolder, state: RunState, force: Bool) throws(EngineError) -> Saga {
        guard let snapshot = try? String(contentsOf: folder.playbook, encoding: .utf8) else {
            throw EngineError(.workspace, .noSnapshot(runID: runID, path: folder.playbook.path))
        }
        if !force, let source = state.source, let original = try? String(contentsOfFile: source, encoding: .utf8),
            original != snapshot
        {
            throw EngineError(.playbookChanged, .playbookChanged(runID: runID, playbook: source, snapshot: folder.playbook.path))
        }
        do {
            let sources = VariableSources(environment: state.environment, overrides: state.vars)
            let model = try PlaybookLoader.load(text: snapshot, file: folder.playbook.path, sources: sources)
            return Saga(playbook: model, source: snapshot, sourcePath: state.source)
        } catch {
            throw EngineError(.invalidSaga, .invalidSnapshot(
                runID: runID, diagnostics: error.diagnostics.map(\.rendered).joined(separator: "\n")))
        }
    }
}
