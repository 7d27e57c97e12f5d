import Belay
import BelaySupport

/// The `status --json` contract (docs/engine.md), keys in the contract's order.
enum StatusJSON {
    static func object(runID: String, state: RunState) -> JSONText {
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
        ])
    }
}
