import BelaySupport

/// Which phases of a saga a run executes (`belay run --only-phase`, `--skip-phases`,
/// `--stop-after-phase`, `--resume-from … --assume-previous-complete`).
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

    /// Every named phase must exist.
    /// - Throws: `EngineError(.invalidSaga)` naming the unknown phase, with a did-you-mean.
    public func validate(phaseIDs ids: [String]) throws {
        let named: [(String, String)] = [only.map { ("--only-phase", $0) }, startAt.map { ("--resume-from", $0) },
            stopAfter.map { ("--stop-after-phase", $0) }].compactMap { $0 } + skip.map { ("--skip-phases", $0) }
        for (flag, id) in named where !ids.contains(id) {
            let hint = PhaseSelection.suggestion(for: id, among: ids).map { "; did you mean '\($0)'?" } ?? ""
            throw EngineError(.invalidSaga, "\(flag): there is no phase '\(id)'\(hint) (phases: \(ids.joined(separator: ", ")))")
        }
        if let only, !skip.isEmpty || startAt != nil {
            throw EngineError(.invalidSaga, "--only-phase \(only) cannot be combined with --skip-phases or --resume-from")
        }
        if let startAt, let stopAfter, let from = ids.firstIndex(of: startAt), let to = ids.firstIndex(of: stopAfter),
            to < from
        {
            throw EngineError(.invalidSaga, "--stop-after-phase \(stopAfter) comes before --resume-from \(startAt)")
        }
    }

    /// The likely intended phase id for a misspelt one (a swapped pair of letters counts as a typo
    /// even in short ids like `tow` for `two`).
    public static func suggestion(for word: String, among ids: [String]) -> String? {
        if let close = Suggestion.closest(to: word, among: ids) { return close }
        return ids.first { $0.count == word.count && $0.sorted() == word.sorted() && Suggestion.editDistance($0, word) <= 2 }
    }

    /// Why phase `id` is not run, or nil when it runs. `ids` is the execution order.
    public func skipReason(for id: String, in ids: [String]) -> String? {
        if let only, id != only { return "not selected (--only-phase \(only))" }
        if skip.contains(id) { return "skipped on request (--skip-phases)" }
        if let startAt, let index = ids.firstIndex(of: id), let from = ids.firstIndex(of: startAt), index < from {
            return "assumed already complete (--resume-from \(startAt) --assume-previous-complete)"
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
