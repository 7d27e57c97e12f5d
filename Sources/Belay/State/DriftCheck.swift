import Foundation

/// Before `resume` or `rollback` acts on a workspace, it compares the files with the run's last
/// commit (docs/operate.md): files changed outside Belay make it refuse unless forced.
///
/// The rule, precisely:
/// - the run stopped cleanly (paused, stuck, ended): Belay recorded a commit of the workspace as it
///   left it, so every difference was made outside Belay → refused unless `force`;
/// - the run crashed (its journal ends while running or compensating) and some step or
///   compensation started after the last commit: those actions may have changed the files, so the
///   differences are listed as a warning and the command goes on (the interrupted step is decided
///   by its `verify`, re-run, or compensated, all of which expect its half-done work);
/// - the run crashed with nothing started since the last commit: the differences cannot come from
///   Belay → refused unless `force`.
public enum DriftCheck {
    public struct Verdict: Sendable, Hashable {
        /// `kind path` of each changed file.
        public var changes: [String]
        /// What the caller should tell the operator when it goes on despite changes.
        public var note: String?
    }

    public static func check(
        state: RunState, runID: String, points: any RollbackPoints, force: Bool, doing operation: EngineError.Operation
    ) async throws(EngineError) -> Verdict {
        let changes: [String]
        do { changes = try await points.changesSinceLastCommit(run: runID) ?? [] } catch {
            throw EngineError(.checkpoint, .checkpoint(
                action: "compare the workspace with the run's last commit", underlying: "\(error)"))
        }
        guard !changes.isEmpty else { return Verdict(changes: []) }
        let crashed = state.status == .running || state.status == .compensating
        let explainers = crashed ? unique(state.actionsSinceLastCommit) : []
        if !explainers.isEmpty {
            return Verdict(
                changes: changes,
                note: "\(changes.count) file(s) differ from the last commit; they may come from the interrupted "
                    + "step(s) \(explainers.map(\.description).joined(separator: ", ")): " + changes.joined(separator: ", "))
        }
        if force {
            return Verdict(changes: changes, note: "forced: going on despite \(changes.count) file(s) changed outside Belay: "
                + changes.joined(separator: ", "))
        }
        throw EngineError(.workspaceChanged, .drift(runID: runID, files: changes, operation: operation))
    }

    private static func unique(_ keys: [RunState.StepKey]) -> [RunState.StepKey] {
        var seen = Set<RunState.StepKey>()
        return keys.filter { seen.insert($0).inserted }
    }
}
