import BelayGit
import Foundation

/// A recorded run read back for people: its journal, its folded state, its rollback points and
/// what each phase changed (`belay log`, `points`, `diff`, `inspect`). Reads only.
public struct RunHistory: Sendable {
    public let runID: String
    public let workspace: URL
    public let events: [JournalEvent]
    public let state: RunState

    /// A rollback point with what changed since the point before it.
    public struct Point: Sendable {
        /// `start` or a phase id.
        public var name: String
        public var commit: String
        public var tree: String?
        /// When the point was recorded (journal time).
        public var time: String?
        /// The point recorded before this one (nil for `start`).
        public var previous: String?
        /// Files changed from `previous` to this point (everything in the tree for `start`: empty).
        public var changes: [FileChange]
        /// The phase's work was undone since (by an unwind or a rollback).
        public var undone: Bool
    }

    /// - Throws: `EngineError(.unknownRun)` when the workspace has no such run.
    public init(workspace: URL, runID: String) throws {
        let folder = RunFolder(workspace: workspace, runID: runID)
        _ = try folder.state()
        let (events, ignored) = try JournalReader.read(folder.journal)
        self.runID = runID
        self.workspace = workspace
        self.events = events
        self.state = RunState.fold(events, ignoredLines: ignored)
    }

    /// The run's rollback points, in the order they were recorded.
    public func points() async throws -> [Point] {
        let store = try openStore()
        var result: [Point] = []
        var previous: (name: String, checkpoint: Checkpoint?)?
        for name in state.pointOrder {
            let checkpoint = try await store.point(run: runID, name: name)
            let changes: [FileChange]
            if let checkpoint, let before = previous?.checkpoint {
                changes = try await store.changes(from: before, to: checkpoint)
            } else {
                changes = []
            }
            let recorded = events.last { $0.event == .checkpointRecorded && $0.point == name }
            let phaseStatus = state.phase(name)?.status
            result.append(Point(
                name: name, commit: state.points[name] ?? checkpoint?.commit.hex ?? "", tree: recorded?.tree ?? checkpoint?.tree.hex,
                time: recorded?.time, previous: previous?.name, changes: changes,
                undone: phaseStatus == .compensated || phaseStatus == .compensating))
            previous = (name, checkpoint)
        }
        return result
    }

    /// The files phase `phase` changed: from the point before it to the phase's own point.
    /// - Throws: `EngineError(.refused)` when the phase has no rollback point (skipped, never completed).
    public func changes(ofPhase phase: String) async throws -> (previous: String, changes: [FileChange]) {
        guard state.phase(phase) != nil else {
            throw EngineError(.refused, "run \(runID) has no phase '\(phase)'"
                + (Suggestion.closestPhase(phase, in: state).map { "; did you mean '\($0)'?" } ?? "")
                + " (phases: \(state.phases.map(\.id).joined(separator: ", ")))")
        }
        guard let index = state.pointOrder.firstIndex(of: phase), index > 0 else {
            let status = state.phase(phase)?.status.rawValue ?? "unknown"
            throw EngineError(.refused, "phase \(phase) of run \(runID) has no rollback point (it is \(status)); "
                + "a phase's changes are known once it completed")
        }
        let previous = state.pointOrder[index - 1]
        let store = try openStore()
        guard let from = try await store.point(run: runID, name: previous),
            let to = try await store.point(run: runID, name: phase)
        else {
            throw EngineError(.checkpoint, "the rollback points \(previous) and \(phase) of run \(runID) are missing from .belay/git")
        }
        return (previous, try await store.changes(from: from, to: to))
    }

    private func openStore() throws -> CheckpointStore {
        do { return try CheckpointStore(workspace: workspace) } catch {
            throw EngineError(.checkpoint, "cannot open the checkpoint repository of \(workspace.path): \(error)")
        }
    }
}

import BelaySupport

extension Suggestion {
    static func closestPhase(_ name: String, in state: RunState) -> String? {
        PhaseSelection.suggestion(for: name, among: state.phases.map(\.id))
    }
}

extension RunState {
    /// Where `belay resume` would start, in words (`belay inspect`, `belay status`).
    public var resumeStart: String {
        if isFinished {
            return "nothing: the run has ended (\(status.rawValue))"
                + (status == .completed || status == .failed ? "; `belay rollback` can still undo it" : "")
        }
        if let target = rollbackTarget {
            let next = compensations(rollingBackTo: target).first
            return "the rollback to \(target), " + (next.map { "at the compensation of \($0)" } ?? "at restoring the point")
        }
        if status == .compensating || status == .stuck || (status == .paused && unwindPending) {
            return "the unwind, " + (pendingCompensations.first.map { "at the compensation of \($0)" } ?? "at restoring the start point")
        }
        for phase in phases where phase.status != .completed && phase.status != .skipped && phase.checkpoint == nil {
            for step in phase.steps {
                switch step.status {
                case .succeeded, .skipped, .compensated: continue
                case .failed where step.warning: continue
                case .running:
                    return "\(phase.id)/\(step.id), whose outcome is unknown: its verify decides, else it re-runs if "
                        + "idempotent, else it counts as failed"
                case .failed, .compensationFailed: return "\(phase.id)/\(step.id), run again (it failed)"
                case .pending: return "\(phase.id)/\(step.id)"
                }
            }
            return "recording the rollback point of \(phase.id)"
        }
        return "completing the run (every phase is done)"
    }
}
