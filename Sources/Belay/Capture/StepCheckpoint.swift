extension SagaExecution {
    /// `checkpoint: before`: records the point `<phase>/<step>` (files and captures) just before the
    /// step runs. A point that cannot be recorded fails the step, as a phase's point fails its phase.
    func recordPointBefore(_ step: Step, in phase: Phase) async -> RunState.Failure? {
        guard step.checkpointBefore else { return nil }
        let name = PointName.beforeStep(phase: phase.id, step: step.id)
        do {
            try await recordPoint(name: name, event: "before_step", phase: phase.id, summary: "before step \(name)")
            return nil
        } catch {
            return RunState.Failure(
                step: RunState.StepKey(phase: phase.id, step: step.id),
                error: "could not record the rollback point before step \(name): \(error)")
        }
    }
}
