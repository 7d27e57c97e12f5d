/// Why a saga cannot run: its shape is wrong. Playbooks are checked earlier, with locations, by
/// the playbook validator; sagas written in Swift meet these checks when a run starts.
public enum SagaError: Error, Sendable, Hashable, CustomStringConvertible {
    case duplicatePhase(String)
    case duplicateStep(phase: String, step: String)
    case unknownNeed(phase: String, need: String)
    /// Phase ids around the cycle, the first repeated at the end.
    case cycle([String])
    /// A phase id that names a reserved rollback point (`start`).
    case reservedPhaseID(String)

    public var description: String {
        switch self {
        case .duplicatePhase(let id): "the phase id '\(id)' is used twice"
        case .duplicateStep(let phase, let step): "the step id '\(step)' is used twice in phase '\(phase)'"
        case .unknownNeed(let phase, let need): "phase '\(phase)' needs '\(need)', which is not a phase of the saga"
        case .cycle(let ids): "the phases need each other in a cycle: \(ids.joined(separator: " → "))"
        case .reservedPhaseID(let id): "'\(id)' names the rollback point before the first phase; pick another phase id"
        }
    }
}
