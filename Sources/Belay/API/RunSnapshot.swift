import BelayPlaybook
import BelaySupport
import Foundation

/// The saga a recorded run continues with: its playbook snapshot (`.belay/runs/<run>/playbook.yml`)
/// and its variables, as `resume` and `rollback` need it.
public enum RunSnapshot {
    /// Loads the run's snapshot.
    /// - Parameter force: accept a playbook file that changed since the run started.
    /// - Throws: `.playbookChanged` when the original file differs from the snapshot (unless
    ///   `force`); `.noSnapshot` when there is none; `.invalidSnapshot` when it no longer loads.
    /// - Parameter secrets: values of secret variables given again (they are never journaled); the
    ///   others come from `BELAY_VAR_<NAME>` in the environment.
    /// - Parameter requireSecrets: false to describe the run only (a dry run): missing secrets are allowed.
    /// - Throws: also `.missingSecrets` when a secret variable has no value.
    public static func saga(
        runID: String, folder: RunFolder, state: RunState, force: Bool, secrets: [String: String] = [:],
        requireSecrets: Bool = true
    ) throws(EngineError) -> Saga {
        guard let snapshot = try? String(contentsOf: folder.playbook, encoding: .utf8) else {
            throw EngineError(.workspace, .noSnapshot(runID: runID, path: folder.playbook.path))
        }
        if !force, let source = state.source, let original = try? String(contentsOfFile: source, encoding: .utf8),
            original != snapshot, maskedDefaults(original) != snapshot
        {
            throw EngineError(.playbookChanged, .playbookChanged(runID: runID, playbook: source, snapshot: folder.playbook.path))
        }
        do {
            let sources = VariableSources(environment: state.environment, overrides: state.vars.merging(secrets) { _, given in given })
            let model = try PlaybookLoader.load(text: snapshot, file: folder.playbook.path, sources: sources)
            // A default masked in the snapshot is no value: the secret must be given again.
            let missing = model.vars.filter { $0.secret && (!$0.hasValue || $0.value == SecretMasker.mask) }.map(\.name)
            if requireSecrets, !missing.isEmpty { throw EngineError(.refused, .missingSecrets(runID: runID, names: missing)) }
            return Saga(playbook: model, source: snapshot, sourcePath: state.source)
        } catch let error as EngineError {
            throw error
        } catch let error as DiagnosticsError {
            throw EngineError(.invalidSaga, .invalidSnapshot(
                runID: runID, diagnostics: error.diagnostics.map(\.rendered).joined(separator: "\n")))
        } catch {
            throw EngineError(.invalidSaga, .invalidSnapshot(runID: runID, diagnostics: "\(error)"))
        }
    }

    /// The playbook's text as its snapshot was written: the defaults of secret variables masked.
    private static func maskedDefaults(_ text: String) -> String {
        let analysis = PlaybookLoader.analyze(text: text, file: "", sources: nil)
        guard let playbook = analysis.playbook else { return text }
        let defaults = playbook.vars.filter { $0.secret && $0.hasValue }.map(\.value)
        return SecretMasker(values: defaults).mask(text)
    }
}
