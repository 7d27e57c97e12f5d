extension Engine {
    /// Gives back their names to the run's points `names` whose refs went missing, from the commit
    /// ids the journal kept (docs/state.md). Returns the names whose commit is gone too. A point the
    /// store records nothing for (`NoRollbackPoints`) is not missing.
    func repairPoints(_ runID: String, state: RunState, names: [String]) async throws(EngineError) -> [String] {
        var missing: [String] = []
        for name in names {
            guard let commit = state.points[name] else { continue }
            do {
                if try await points.point(run: runID, name: name) != nil { continue }
                if try await points.repairPoint(run: runID, name: name, commit: commit) == nil,
                    try await points.changesSinceLastCommit(run: runID) != nil
                {
                    missing.append(name)
                }
            } catch {
                throw EngineError(.checkpoint, .checkpoint(action: "read the rollback point '\(name)'", underlying: "\(error)"))
            }
        }
        return missing
    }
}
