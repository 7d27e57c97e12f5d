import BelaySupport

/// A rollback point recorded just before a step (`checkpoint: before`), named `<phase>/<step>`.
public struct StepPoint: Sendable, Hashable {
    public var phase: String
    public var step: String

    /// Nil for `start` and phase points (their names hold no `/`).
    public init?(_ name: String) {
        let parts = name.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else { return nil }
        phase = String(parts[0])
        step = String(parts[1])
    }

    public var name: String { PointName.beforeStep(phase: phase, step: step) }
}

extension RunState {
    /// The compensations a rollback to the point before `point.step` runs, newest first: every owed
    /// step of a later phase, and of its own phase every owed step started since that step began
    /// (the step itself included).
    func compensations(rollingBackTo point: StepPoint) -> [StepKey] {
        let later = Set(phases(after: point.phase))
        let key = StepKey(phase: point.phase, step: point.step)
        let since = startedSteps.firstIndex(of: key).map { Set(startedSteps[$0...].filter { $0.phase == point.phase }) } ?? []
        return pendingCompensations.filter { later.contains($0.phase) || since.contains($0) }
    }
}

extension Engine {
    /// A step's point is a target while it was recorded and its step has not been undone since.
    static func checkStepTarget(_ point: StepPoint, state: RunState, runID: String) throws(EngineError) {
        func refuse(_ refusal: EngineError.RollbackRefusal) -> EngineError { EngineError(.refused, .rollbackTarget(refusal)) }
        let available = [PointName.start] + state.pointOrder.filter { name in
            name != PointName.start && (state.phase(name)?.status == .completed || StepPoint(name) != nil)
        }
        guard state.points[point.name] != nil else {
            let ids = state.phases.map(\.id)
            throw refuse(.unknownTarget(
                runID: runID, target: point.name,
                suggestion: Suggestion.closest(to: point.name, among: available), phases: ids))
        }
        let step = state.step(RunState.StepKey(phase: point.phase, step: point.step))
        switch step?.compensation {
        case .succeeded?, .skipped?, .resolved?:
            throw refuse(.alreadyUndone(runID: runID, phase: point.name, available: available))
        default:
            break
        }
    }
}
