import BelayModel
import BelayPlaybook
import Foundation

/// The text and JSON forms of a `PlaybookPlan`.
enum PlanRenderer {
    static func text(_ plan: PlaybookPlan, file: String, output: TerminalOutput = .standard) -> String {
        let playbook = plan.playbook
        let bold = { (text: String) in output.paint(text, .bold) }
        let dim = { (text: String) in output.paint(text, .dim) }
        var out = ""
        func line(_ text: String = "") { out += text + "\n" }

        let steps = plan.phases.reduce(0) { $0 + $1.steps.count }
        line("Plan for \(bold(playbook.name)) (\(file)): \(count(plan.phases.count, "phase")), \(count(steps, "step")). Nothing is run.")
        if let description = playbook.description { line(description) }
        for values in PlanValues.lines(playbook) { line(values) }
        line()
        line("\(dim("rollback point")) start  \(dim(plan.points[0]))")
        for (number, planned) in plan.phases.enumerated() {
            let phase = planned.phase
            var header = "Phase \(number + 1)/\(plan.phases.count): \(phase.id)"
            if let name = phase.name { header += " — \(name)" }
            var traits: [String] = []
            if !planned.needs.isEmpty { traits.append("needs \(planned.needs.joined(separator: ", "))") }
            if phase.parallel {
                traits.append("parallel" + (phase.maxParallel.map { ", at most \($0) at a time" } ?? ""))
            }
            if !traits.isEmpty { header += " (\(traits.joined(separator: "; ")))" }
            line()
            line(bold(header))
            for step in planned.steps {
                var title = "  step \(step.id)"
                if let name = step.name { title += " — \(name)" }
                if !step.critical { title += " (not critical: a failure is only a warning)" }
                if let point = step.pointBefore { line("\(dim("rollback point")) \(phase.id)/\(step.id)  \(dim(point))") }
                line(title)
                line(field(step.kind, step.forward))
                if let verify = step.verify { line(field("verify", verify)) }
                if !step.options.isEmpty { line(field("options", step.options.joined(separator: ", "))) }
                if let compensate = step.compensate {
                    line(field("compensate", compensate))
                } else {
                    line(field("compensate", step.kind == "run" ? "none (irreversible)" : "none (changes nothing)"))
                }
            }
            line("\(dim("rollback point")) \(phase.id)  \(dim(planned.point))")
        }

        if let failure = plan.failure {
            line()
            line(bold("If \(failure.phase)/\(failure.step) fails:"))
            if !failure.unwinds {
                line("  the step is not critical: the failure is recorded as a warning and the run goes on.")
                line("  Nothing is compensated.")
            } else {
                var number = 0
                var explained = Set<String>()
                for entry in failure.unwind {
                    if entry.parallel, explained.insert(entry.phase).inserted {
                        line(
                            "  phase \(entry.phase) is parallel: each of its steps that started is compensated too,"
                                + " shown in reverse order of declaration (an approximation of reverse start order)")
                    }
                    number += 1
                    let what = entry.compensate ?? "nothing to undo (\(entry.note ?? ""))"
                    let label = "  \(number). compensate \(entry.phase)/\(entry.step):"
                    let indent = "\n" + String(repeating: " ", count: label.count + 1)
                    line(label + " " + what.trimmingWhitespace().split(separator: "\n").joined(separator: indent))
                }
                number += 1
                line("  \(number). restore workspace to start (\(failure.restorePoint))")
            }
        }
        return out
    }

    /// `    label       command`, with the continuation lines of a multi-line command indented.
    private static func field(_ label: String, _ value: String, width: Int = 10) -> String {
        let padded = label + String(repeating: " ", count: max(1, width - label.count + 1))
        let indent = String(repeating: " ", count: 4 + padded.count)
        let lines = value.trimmingWhitespace().split(separator: "\n", omittingEmptySubsequences: false)
        return "    " + padded + lines.joined(separator: "\n" + indent)
    }

    static func json(_ plan: PlaybookPlan, file: String) -> [String: Any] {
        let playbook = plan.playbook
        var object: [String: Any] = [
            "file": file,
            "name": playbook.name,
            "vars": Dictionary(playbook.displayedVars.map { ($0.name, $0.value) }, uniquingKeysWith: { _, last in last }),
            "values": PlanValues.json(playbook),
            "points": plan.points,
            "phases": plan.phases.map { planned -> [String: Any] in
                [
                    "id": planned.phase.id, "name": planned.phase.name ?? NSNull(), "needs": planned.needs,
                    "parallel": planned.phase.parallel, "max_parallel": planned.phase.maxParallel ?? NSNull(),
                    "point": planned.point,
                    "steps": planned.steps.map { step -> [String: Any] in
                        [
                            "id": step.id, "name": step.name ?? NSNull(), "kind": step.kind, "forward": step.forward,
                            "verify": step.verify ?? NSNull(), "compensate": step.compensate ?? NSNull(),
                            "critical": step.critical, "irreversible": step.irreversible, "options": step.options,
                            "point_before": step.pointBefore ?? NSNull(),
                        ]
                    },
                ]
            },
        ]
        if let failure = plan.failure {
            object["failure"] = [
                "at": "\(failure.phase)/\(failure.step)", "unwinds": failure.unwinds,
                "unwind": failure.unwind.map { entry -> [String: Any] in
                    [
                        "phase": entry.phase, "step": entry.step, "compensate": entry.compensate ?? NSNull(),
                        "note": entry.note ?? NSNull(), "parallel": entry.parallel,
                    ]
                },
                "restore": failure.unwinds ? failure.restorePoint : NSNull(),
            ] as [String: Any]
        }
        return object
    }
}
