import BelaySupport

/// The `status --json` contract (docs/engine.md), keys in the contract's order: one definition for
/// the command line and the HTTP API.
public enum StatusJSON {
    public static func object(runID: String, state: RunState) -> JSONText {
        .object([
            ("run", .string(runID)),
            ("playbook", .optional(state.playbook)),
            ("status", .string(state.status.rawValue)),
            ("phases", .array(state.phases.map { phase in
                .object([
                    ("id", .string(phase.id)),
                    ("status", .string(phase.status.rawValue)),
                    ("checkpoint", .optional(phase.checkpoint)),
                    ("steps", .array(phase.steps.map { step in
                        .object([
                            ("id", .string(step.id)),
                            ("status", .string(step.status.rawValue)),
                            ("attempts", .int(Int64(step.attempts))),
                            ("duration_ms", .optional(step.durationMs)),
                        ])
                    })),
                ])
            })),
            ("environment", .optional(state.environment)),
            ("approval", approval(state)),
            ("failure", failure(state)),
            ("captures", captures(state.captures)),
        ])
    }

    /// What the captures showed: failures per point, the last verification, drift.
    private static func captures(_ record: CaptureRecord) -> JSONText {
        let verification: JSONText = record.lastVerification.map { last in
            .object([
                ("point", .string(last.point)),
                ("results", .object(last.results.sorted { $0.key < $1.key }.map { ($0.key, .string($0.value)) })),
                ("verified", .bool(last.differing.isEmpty && last.results.values.allSatisfy { $0 == "verified" })),
                ("strict_failure", .optional(last.strictFailure)), ("diff", .optional(last.diff)),
            ])
        } ?? .null
        return .object([
            ("failed", .object(record.failures.sorted { $0.key < $1.key }.map { point, failed in
                (point, .array(failed.keys.sorted().map(JSONText.string)))
            })),
            ("verification", verification),
            ("drifted", .array(record.drifted.map(JSONText.string))),
        ])
    }

    /// The approval the run waits for: its step, question and deadline (null without a timeout).
    private static func approval(_ state: RunState) -> JSONText {
        guard let key = state.waitingApproval, let record = state.approvals[key] else { return .null }
        return .object([
            ("step", .string(key.description)), ("message", .string(record.message)),
            ("deadline", .optional(record.deadline)),
        ])
    }

    /// What ended forward progress: where, and the error as journaled (secrets masked).
    private static func failure(_ state: RunState) -> JSONText {
        guard let failure = state.failure else { return .null }
        return .object([("at", .string(failure.site.description)), ("error", .string(failure.error)), ("log", .optional(failure.log))])
    }
}
