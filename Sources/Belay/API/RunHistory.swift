import BelayGit
import BelaySupport
import Foundation

/// A recorded run read back for people: its journal, its folded state, its rollback points and
/// what each phase changed. Reads only.
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

    /// Reads a run of the workspace's local stores.
    /// - Throws: `.unknownRun` when the workspace has no such run.
    public init(workspace: URL, runID: String) throws(EngineError) {
        self = try Engine(workspace: workspace).history(runID)
    }

    init(engine: Engine, runID: String) throws(EngineError) {
        guard RunID.isValid(runID) else { throw EngineError(.unknownRun, .invalidRunID(runID)) }
        let contents = try engine.stores.journal.read(run: runID)
        self.runID = runID
        self.workspace = engine.workspace
        self.events = contents.events
        self.state = contents.state
        self.points = engine.points
    }

    let points: any RollbackPoints

    /// The run's rollback points, in the order they were recorded.
    public func points() async throws -> [Point] {
        var result: [Point] = []
        var previous: (name: String, point: RecordedPoint?)?
        // Each point's last recording, found in one pass rather than one search of the journal per point.
        var recordings: [String: Int] = [:]
        for index in events.indices where events[index].event == .checkpointRecorded {
            if let point = events[index].point { recordings[point] = index }
        }
        for name in state.pointOrder {
            let recordedPoint = try await points.point(run: runID, name: name)
            let changes: [FileChange]
            if recordedPoint != nil, let before = previous, before.point != nil {
                changes = try await points.diff(run: runID, from: before.name, to: name)
            } else {
                changes = []
            }
            let recorded = recordings[name].map { events[$0] }
            let phaseStatus = state.phase(name)?.status
            result.append(Point(
                name: name, commit: state.points[name] ?? recordedPoint?.commit ?? "", tree: recorded?.tree ?? recordedPoint?.tree,
                time: recorded?.time, previous: previous?.name, changes: changes,
                undone: phaseStatus == .compensated || phaseStatus == .compensating))
            previous = (name, recordedPoint)
        }
        return result
    }

    /// The files phase `phase` changed: from the point before it to the phase's own point.
    /// - Throws: as `Engine.changes(run:state:ofPhase:)`.
    public func changes(ofPhase phase: String) async throws -> (previous: String, changes: [FileChange]) {
        try await Engine.changes(run: runID, state: state, ofPhase: phase, points: points)
    }
}

extension Engine {
    /// A recorded run read back: its events, state, rollback points and what each phase changed.
    /// - Throws: `.unknownRun` when there is no such run.
    public func history(_ runID: String) throws(EngineError) -> RunHistory {
        try RunHistory(engine: self, runID: runID)
    }

    /// The files phase `phase` of the run changed, from the run's `state` (`state(of:)`): what
    /// `RunHistory.changes(ofPhase:)` gives, without reading and holding every event.
    /// - Throws: `.unknownPhase`, or `.phaseHasNoPoint` when the phase has no rollback point
    ///   (skipped, never completed).
    public func changes(run runID: String, state: RunState, ofPhase phase: String) async throws
        -> (previous: String, changes: [FileChange])
    {
        try await Self.changes(run: runID, state: state, ofPhase: phase, points: points)
    }

    static func changes(run runID: String, state: RunState, ofPhase phase: String, points: any RollbackPoints) async throws
        -> (previous: String, changes: [FileChange])
    {
        guard let phaseState = state.phase(phase) else {
            let ids = state.phases.map(\.id)
            throw EngineError(.refused, .unknownPhase(
                runID: runID, phase: phase, suggestion: Suggestion.closest(to: phase, among: ids), phases: ids))
        }
        guard let index = state.pointOrder.firstIndex(of: phase), index > 0 else {
            throw EngineError(.refused, .phaseHasNoPoint(runID: runID, phase: phase, status: phaseState.status))
        }
        let previous = state.pointOrder[index - 1]
        guard try await points.point(run: runID, name: previous) != nil, try await points.point(run: runID, name: phase) != nil
        else {
            throw EngineError(.checkpoint, .missingPoints(runID: runID, names: [previous, phase]))
        }
        return (previous, try await points.diff(run: runID, from: previous, to: phase))
    }
}
