import Belay
import BelaySupport
import Foundation

/// The `rollback --dry-run` report.
enum RollbackPlanText {
    static func render(_ plan: RollbackPlan, workspace: URL, playbookNote: String?, force: Bool) -> String {
        var lines: [String] = []
        let target = plan.target == "start" ? "the start point" : "phase \(plan.target)"
        lines.append("Rollback of run \(plan.runID) to \(target) (commit \(plan.targetCommit.prefix(10))) — dry run: nothing is changed")
        lines.append("")
        if plan.compensations.isEmpty {
            lines.append("Compensations: none (nothing started after \(plan.target) is still owed one)")
        } else {
            lines.append("Compensations, newest first (\(plan.compensations.count)):")
            for (number, item) in plan.compensations.enumerated() {
                let label = "  \(number + 1). \(item.step)"
                let what = item.note ?? item.command.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) } ?? "(code)"
                lines.append(label + "  " + what.split(separator: "\n").joined(separator: "\n" + String(repeating: " ", count: label.count + 2)))
            }
        }
        lines.append("")
        if plan.fileChanges.isEmpty {
            lines.append("Then the workspace is restored to \(plan.target): no file differs from it now")
        } else {
            lines.append("Then the workspace is restored to \(plan.target): \(count(plan.fileChanges.count, "file")) change")
            lines += FileChangeTable.lines(plan.fileChanges, indent: "  ")
        }
        lines += CaptureLines.plan(plan.captures, target: plan.target)
        if !plan.drift.isEmpty {
            lines.append("")
            lines.append("Files changed outside Belay since the run's last commit"
                + (force ? " (--force: the rollback goes on):" : " — the rollback refuses without --force:"))
            lines += plan.drift.map { "  " + $0 }
        }
        if let playbookNote {
            lines.append("")
            lines.append("Note: \(playbookNote)")
        }
        lines.append("")
        lines.append("To do it: belay rollback \(plan.runID) --to \(plan.target) --workspace \(workspace.path)")
        return lines.joined(separator: "\n") + "\n"
    }

    static func json(_ plan: RollbackPlan, playbookNote: String?) -> JSONText {
        .object([
            ("run", .string(plan.runID)), ("target", .string(plan.target)),
            ("target_commit", .string(plan.targetCommit)), ("dry_run", .bool(true)),
            ("nothing_to_do", .bool(plan.nothingToDo)), ("reason", .optional(plan.nothingToDoReason)),
            ("phases_undone", .array(plan.phasesUndone.map(JSONText.string))),
            ("compensations", .array(plan.compensations.map { item in
                .object([
                    ("phase", .string(item.step.phase)), ("step", .string(item.step.step)),
                    ("command", .optional(item.command)), ("note", .optional(item.note)),
                ])
            })),
            ("files", .array(plan.fileChanges.map(FileChangeTable.json))),
            ("drift", .array(plan.drift.map(JSONText.string))),
            ("captures", .array(plan.captures.map(CaptureLines.json))),
            ("playbook_changed", .bool(playbookNote != nil)),
        ])
    }
}
