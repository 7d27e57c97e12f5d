import ArgumentParser
import BelayPlaybook
import BelaySupport
import Foundation

struct PlanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract: "Show what a run would do: step order, compensations and rollback points. Runs nothing.",
        discussion: """
            Prints the phases in execution order with each step's forward command (variables filled \
            in, shell-quoted as a run would), its verify and its compensation, and the rollback \
            points the run records: `start`, then one per phase (refs/belay/points/<run-id>/<phase>).

            With --fail-at <phase>/<step>, also prints the exact unwind that a failure of that step \
            would cause: every started step, the failed one included, compensated in reverse order \
            of start, then the workspace restored to the `start` point. An invalid playbook prints \
            its diagnostics and exits 2.

            Examples:
              belay plan playbooks/quickstart.yml
              belay plan playbooks/quickstart.yml --var version=2.0.0
              belay plan playbooks/quickstart.yml --fail-at release/switch
              belay plan deploy.yml --json | jq '.points'
            """
    )

    @Argument(help: "The playbook file.")
    var playbook: String

    @Option(name: .customLong("var"), help: ArgumentHelp("Set a declared variable.", valueName: "name=value"))
    var vars: [String] = []

    @Option(help: ArgumentHelp("Also show the unwind a failure of this step would cause.", valueName: "phase/step"))
    var failAt: String?

    @Flag(help: "Print the plan as JSON to stdout.")
    var json = false

    func validate() throws {
        for assignment in vars where !assignment.contains("=") || assignment.hasPrefix("=") {
            throw ValidationError("--var takes name=value, got '\(assignment)'")
        }
    }

    func run() throws {
        let overrides = Dictionary(
            vars.map { assignment in
                let parts = assignment.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                return (String(parts[0]), parts.count > 1 ? String(parts[1]) : "")
            }, uniquingKeysWith: { _, last in last })
        let model: Playbook
        do {
            model = try PlaybookLoader.load(path: playbook, overrides: overrides)
        } catch {
            if json {
                Terminal.print(try DiagnosticsJSON.report(file: playbook, valid: false, diagnostics: error.diagnostics))
            } else {
                for diagnostic in error.diagnostics { Terminal.printError(diagnostic.rendered) }
            }
            throw ExitCode(2)
        }
        let plan: PlaybookPlan
        do {
            plan = try PlaybookPlan(playbook: model, failAt: failAt)
        } catch {
            Terminal.printError("error: \(error.message)")
            throw ExitCode(2)
        }
        if json {
            Terminal.print(try DiagnosticsJSON.encode(PlanRenderer.json(plan, file: playbook)))
        } else {
            Terminal.write(PlanRenderer.text(plan, file: playbook), to: .standardOutput)
        }
    }
}
