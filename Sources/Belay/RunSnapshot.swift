import BelayPlaybook
import Foundation

/// The saga a recorded run continues with: its playbook snapshot (`.belay/runs/<run>/playbook.yml`)
/// and its variables, as `resume` and `rollback` need it.
public enum RunSnapshot {
    /// Loads the run's snapshot.
    /// - Parameter force: accept a playbook file that changed since the run started.
    /// - Throws: `EngineError(.playbookChanged)` when the original file differs from the snapshot
    ///   (unless `force`); `.workspace` when there is no snapshot; `.invalidSaga` when it no longer loads.
    public static func saga(runID: String, folder: RunFolder, state: RunState, force: Bool) throws -> Saga {
        guard let snapshot = try? String(contentsOf: folder.playbook, encoding: .utf8) else {
            throw EngineError(.workspace, "run \(runID) has no playbook snapshot (\(folder.playbook.path))")
        }
        if !force, let source = state.source, let original = try? String(contentsOfFile: source, encoding: .utf8),
            original != snapshot
        {
            throw EngineError(.playbookChanged, """
                the playbook \(source) changed since run \(runID) started; Belay uses the snapshot \
                \(folder.playbook.path), so what it runs may differ from the file you see. Compare them \
                (diff \(source) \(folder.playbook.path)), then use --force to go on with the snapshot.
                """)
        }
        do {
            let model = try PlaybookLoader.load(text: snapshot, file: folder.playbook.path, overrides: state.vars)
            return Saga(playbook: model, source: snapshot, sourcePath: state.source)
        } catch {
            throw EngineError(.invalidSaga, error.diagnostics.map(\.rendered).joined(separator: "\n"))
        }
    }
}
