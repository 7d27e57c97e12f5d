import Belay
import BelaySupport

/// What a history line says about a run: what was deployed where, by whom, who approved, how it
/// ended. One source for `runs` (text and JSON), so the two never disagree.
struct RunSummary {
    var run: String
    var playbook: String?
    var environment: String?
    /// The vars the playbook marks `show: true`, with the run's values, in the playbook's order.
    var keyVars: [(name: String, value: String)]
    var status: String
    var started: String?
    var durationMs: Int64?
    var startedBy: String?
    /// Who approved each approval step, in the order they were decided.
    var approvedBy: [String]

    init(run: String, state: RunState) {
        self.init(run: run, summary: RunSummaries.Summary(state: state, journalBytes: 0))
    }

    /// From the cached summary beside a local journal (the same fields, without folding it).
    init(run: String, summary: RunSummaries.Summary) {
        self.run = run
        playbook = summary.playbook
        environment = summary.environment
        keyVars = summary.shownVars.compactMap { $0.count == 2 ? ($0[0], $0[1]) : nil }
        status = summary.status.rawValue
        started = summary.startedAt.map(JournalClock.format)
        durationMs = summary.durationMs
        startedBy = summary.startedBy
        approvedBy = summary.approvedBy
    }

    /// A journal that could not be read.
    init(unreadable run: String) {
        self.run = run
        keyVars = []
        status = "unreadable"
        approvedBy = []
    }

    var json: JSONText {
        .object([
            ("run", .string(run)), ("playbook", .optional(playbook)), ("status", .string(status)),
            ("started", .optional(started)), ("duration_ms", .optional(durationMs)),
            ("environment", .optional(environment)),
            ("vars", .object(keyVars.map { ($0.name, .string($0.value)) })),
            ("by", .optional(startedBy)),
            ("approved_by", .array(approvedBy.map(JSONText.string))),
        ])
    }

    /// The text columns: run, playbook, status, started, duration, then labelled cells (empty when
    /// the journal has nothing to say): the environment, the key vars, who started it, who approved.
    var columns: [String] {
        [
            run, playbook ?? "?", status, started ?? "–", durationMs.map { DurationFormat.format(milliseconds: $0) } ?? "–",
            environment.map { "env \($0)" } ?? "",
            keyVars.map { "\($0.name)=\($0.value)" }.joined(separator: " "),
            startedBy.map { "by \($0)" } ?? "",
            approvedBy.isEmpty ? "" : "approved by " + uniqued(approvedBy).joined(separator: ", "),
        ]
    }

    private func uniqued(_ names: [String]) -> [String] {
        var seen = Set<String>()
        return names.filter { seen.insert($0).inserted }
    }
}
