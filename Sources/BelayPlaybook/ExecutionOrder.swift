import BelayModel

extension Playbook {
    /// Phases in execution order: dependency order (`needs`, default = previous phase), ties in file order.
    ///
    /// Phases run one at a time, so this is the order of `phase_started` events and of rollback points.
    /// On a playbook with a dependency cycle (which validation rejects) the phases caught in the cycle
    /// follow the others in file order, so the function always returns every phase once.
    public func executionOrder() -> [PlaybookPhase] {
        PhaseGraph(self).order().map { phases[$0] }
    }
}

extension PhaseGraph {
    init(_ playbook: Playbook) {
        self.init(ids: playbook.phases.map(\.id), needs: playbook.phases.map(\.needs))
    }
}
