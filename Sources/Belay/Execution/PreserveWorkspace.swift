import Foundation

extension SagaExecution {
    /// Before a restore overwrites the workspace: commits it as it is on the run's history when it
    /// differs from the run's last commit, and journals that commit with the files it keeps, so
    /// nothing is ever lost (docs/state.md). Throws when the workspace could not be kept: the restore
    /// must not go on.
    func preserveWorkspace(before what: String) async throws {
        let later = try? await points.laterRun(than: runID)
        guard let preserved = try await points.preserve(run: runID) else { return }
        try journalPreserved(preserved, before: what, later: later)
    }

    /// Journals a commit that keeps the workspace as it was before `what`.
    func journalPreserved(_ preserved: PreservedWorkspace, before what: String, later: LaterRun?) throws {
        var kept = event(.checkpointRecorded)
        kept.commit = preserved.commit
        kept.tree = preserved.tree
        kept.preserved = preserved.files
        kept.note = "the workspace before \(what), kept: \(preserved.files.count) file(s) differ from the run's last commit"
            + (later.map { "; " + Self.laterRunNote($0) } ?? "")
        try record(kept)
    }

    static func laterRunNote(_ later: LaterRun) -> String {
        later.workspaceMatches
            ? "the workspace is as run \(later.runID) left it (a later run in this workspace)"
            : "run \(later.runID) recorded commits in this workspace since (a later run)"
    }
}
