/// What the captures of a run showed (docs/captures.md), folded from the `captures_*` events.
public struct CaptureRecord: Sendable, Hashable {
    /// The last comparison after a rollback or an unwind.
    public struct Verification: Sendable, Hashable {
        /// The point the workspace and the target were put back to.
        public var point: String
        /// Each capture: `verified`, `differs`, or `not_compared` (with why after a colon).
        public var results: [String: String]
        /// The unified diffs of the captures that differ (masked, capped).
        public var diff: String?
        /// Set when a `verify: strict` capture differs: the rollback did not give the target back.
        public var strictFailure: String?

        public var differing: [String] { results.filter { $0.value == "differs" }.keys.sorted() }
        public var verified: [String] { results.filter { $0.value == "verified" }.keys.sorted() }
    }

    /// Captures that failed at each point (`point` → name → why).
    public var failures: [String: [String: String]] = [:]
    public var lastVerification: Verification?
    /// Captures a forced `resume` or `rollback` found changed outside Belay.
    public var drifted: [String] = []

    public init() {}
}

extension RunState {
    mutating func applyCaptureEvent(_ event: JournalEvent) {
        let results = event.captures ?? [:]
        switch event.event {
        case .capturesRecorded:
            let failed = results.filter { $0.value != "recorded" }
            if let point = event.point, !failed.isEmpty { captures.failures[point] = failed }
        case .capturesVerified:
            captures.lastVerification = CaptureRecord.Verification(
                point: event.point ?? "start", results: results, diff: event.note, strictFailure: event.error)
        case .capturesDrifted:
            captures.drifted = results.keys.sorted()
        default:
            break
        }
    }
}
