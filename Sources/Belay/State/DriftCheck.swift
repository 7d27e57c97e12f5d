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
///   Belay → refused unless `force`;
/// - only a restore is left to do (every compensation ran) and a file already holds the content the
///   restore gives it: that is Belay's own restore, interrupted (a full disk, a crash), not drift.
///
/// Whenever it goes on despite differences, the workspace is first committed on the run's history
/// (`preserved`), so what anyone changed can be brought back.
public enum DriftCheck {
    public struct Verdict: Sendable, Hashable {
        /// `kind path` of each changed file.
        public var changes: [String]
        /// What the caller should tell the operator when it goes on despite changes.
        public var note: String?
        /// The commit that keeps the workspace as it was, when it goes on despite changes.
        public var preserved: PreservedWorkspace?
        /// A later run in the same workspace, when one recorded commits since this run's last.
        public var laterRun: LaterRun?
    }

    public static func check(
        state: RunState, runID: String, points: any RollbackPoints, force: Bool, doing operation: EngineError.Operation
    ) async throws(EngineError) -> Verdict {
        var changes: [String]
        var ownRestore: [String] = []
        do {
            changes = try await points.changesSinceLastCommit(run: runID) ?? []
            if let target = pendingRestore(state), !changes.isEmpty {
                let differing = Set(try await points.diff(run: runID, from: target, to: nil).map(\.path))
                ownRestore = changes.filter { !differing.contains(path(of: $0)) }
                changes.removeAll { !differing.contains(path(of: $0)) }
            }
        } catch {
            throw EngineError(.checkpoint, .checkpoint(
                action: "compare the workspace with the run's last commit", underlying: "\(error)"))
        }
        let ownNote = ownRestore.isEmpty ? nil
            : "\(ownRestore.count) file(s) already restored by the interrupted restore: " + ownRestore.joined(separator: ", ")
        guard !changes.isEmpty else { return Verdict(changes: [], note: ownNote) }
        let later = try? await points.laterRun(than: runID)
        let crashed = state.status == .running || state.status == .compensating
        let explainers = crashed ? unique(state.actionsSinceLastCommit) : []
        var note: String
        if !explainers.isEmpty {
            note = "\(changes.count) file(s) differ from the last commit; they may come from the interrupted "
                + "step(s) \(explainers.map(\.description).joined(separator: ", ")): " + changes.joined(separator: ", ")
        } else if force {
            note = "forced: going on despite \(changes.count) file(s) changed outside Belay: " + changes.joined(separator: ", ")
        } else {
            throw EngineError(.workspaceChanged, .drift(runID: runID, files: changes, operation: operation, laterRun: later))
        }
        if let later { note += "; " + SagaExecution.laterRunNote(later) }
        if let ownNote { note += "; " + ownNote }
        let preserved: PreservedWorkspace?
        do { preserved = try await points.preserve(run: runID) } catch {
            throw EngineError(.checkpoint, .checkpoint(
                action: "keep the changed workspace as a commit before going on", underlying: "\(error)"))
        }
        return Verdict(changes: changes, note: note, preserved: preserved, laterRun: later)
    }

    /// The point a restore is all that is left to do for: every compensation of the unwind (to
    /// `start`) or the rollback (to its target) ran.
    static func pendingRestore(_ state: RunState) -> String? {
        guard state.unwindPending, state.status != .running else { return nil }
        if let target = state.rollbackTarget {
            return state.compensations(rollingBackTo: target).isEmpty ? target : nil
        }
        return state.pendingCompensations.isEmpty ? PointName.start : nil
    }

    private static func path(of change: String) -> String {
        change.firstIndex(of: " ").map { String(change[change.index(after: $0)...]) } ?? change
    }

    private static func unique(_ keys: [RunState.StepKey]) -> [RunState.StepKey] {
        var seen = Set<RunState.StepKey>()
        return keys.filter { seen.insert($0).inserted }
    }
}
