import BelaySupport

/// Which phases of a saga a run executes: all, only one, all but some, from one on (the earlier ones
/// done before), and where to stop.
///
/// Phases that are not run are journaled as `phase_skipped` with the reason: they get no rollback
/// point and a rollback never compensates them, since none of their steps started.
public struct PhaseSelection: Sendable, Hashable {
    /// Run only this phase; every other one is skipped.
    public var only: String?
    /// Phases not to run.
    public var skip: [String]
    /// Start at this phase; the phases before it are assumed complete (done before, by hand or by
    /// another run) and recorded as skipped.
    public var startAt: String?
    /// Pause the run (exit 75) once this phase completed; `resume` runs the rest.
    public var stopAfter: String?

    public init(only: String? = nil, skip: [String] = [], startAt: String? = nil, stopAfter: String? = nil) {
        self.only = only
        self.skip = skip
        self.startAt = startAt
        self.stopAfter = stopAfter
    }

    public static let all = PhaseSelection()

    public var isAll: Bool { self == .all }

    /// Which setting named a phase, for messages.
    public enum Field: String, Sendable, Hashable {
        case only, skip, startAt, stopAfter
    }

    /// Why a selection does not fit the saga.
    public enum Problem: Error, Sendable, Hashable, CustomStringConvertible {
        case unknownPhase(Field, id: String, suggestion: String?, phases: [String])
        /// `only` excludes `skip` and `startAt`.
        case onlyWithOthers(only: String)
        case stopBeforeStart(stopAfter: String, startAt: String)

        public var description: String {
            switch self {
            case .unknownPhase(_, let id, let suggestion, let phases):
                "there is no phase '\(id)'" + (suggestion.map { "; did you mean '\($0)'?" } ?? "")
                    + " (phases: \(phases.joined(separator: ", ")))"
            case .onlyWithOthers(let only):
                "running only phase \(only) cannot be combined with skipping phases or starting at one"
            case .stopBeforeStart(let stopAfter, let startAt):
                "the phase to stop after (\(stopAfter)) comes before the phase to start at (\(startAt))"
            }
        }
    }

    /// Every named phase must exist.
    /// - Throws: `EngineError` with `.phaseSelection`, naming the unknown phase with a did-you-mean.
    public func validate(phaseIDs ids: [String]) throws(EngineError) {
        let named: [(Field, String)] = [only.map { (.only, $0) }, startAt.map { (.startAt, $0) },
            stopAfter.map { (.stopAfter, $0) }].compactMap { $0 } + skip.map { (.skip, $0) }
        for (field, id) in named where !ids.contains(id) {
            let problem = Problem.unknownPhase(field, id: id, suggestion: Suggestion.closest(to: id, among: ids), phases: ids)
            throw EngineError(.invalidSaga, .phaseSelection(problem))
        }
        if let only, !skip.isEmpty || startAt != nil {
            throw EngineError(.invalidSaga, .phaseSelection(.onlyWithOthers(only: only)))
        }
        if let startAt, let stopAfter, let from = ids.firstIndex(of: startAt), let to = ids.firstIndex(of: stopAfter),
            to < from
        {
            throw EngineError(.invalidSaga, .phaseSelection(.stopBeforeStart(stopAfter: stopAfter, startAt: startAt)))
        }
    }

    /// Why phase `id` is not run, or nil when it runs. `ids` is the execution order.
    public func skipReason(for id: String, in ids: [String]) -> String? {
        if let only, id != only { return "not selected (only phase \(only) runs)" }
        if skip.contains(id) { return "skipped on request" }
        if let startAt, let index = ids.firstIndex(of: id), let from = ids.firstIndex(of: startAt), index < from {
            return "assumed already complete (the run starts at phase \(startAt))"
        }
        return nil
    }

    /// A one-line description for the journal, or nil when every phase runs.
    public var summary: String? {
        var parts: [String] = []
        if let only { parts.append("only phase \(only)") }
        if !skip.isEmpty { parts.append("skipping \(skip.joined(separator: ", "))") }
        if let startAt { parts.append("starting at \(startAt), earlier phases assumed complete") }
        if let stopAfter { parts.append("stopping after \(stopAfter)") }
        return parts.isEmpty ? nil : "phase selection: " + parts.joined(separator: "; ")
    }
}
