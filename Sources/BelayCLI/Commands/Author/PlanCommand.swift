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

            Values: --env <name> takes the values of one of the playbook's environments, then each \
            --vars-file in order (a later file wins), then --var. The plan lists every var, env entry \
            and secret with where its value came from; secrets show as ***.

            Exit status: 0 valid; 2 invalid (a var set nowhere included).

            Examples:
              belay plan playbooks/quickstart.yml
              belay plan deploy.yml --env staging --vars-file release.yml
              belay plan playbooks/quickstart.yml --var version=2.0.0
              belay plan playbooks/quickstart.yml --fail-at release/switch
              belay plan deploy.yml --json | jq '.points'
            """
    )

    @OptionGroup var input: PlaybookInput

    @Option(help: ArgumentHelp("Also show the unwind a failure of this step would cause.", valueName: "phase/step"))
    var failAt: String?

    @Flag(help: "Print the plan as JSON to stdout.")
    var json = false

    func run() throws {
        let (_, model) = try input.load(json: json)
        let plan: PlaybookPlan
        do {
            plan = try PlaybookPlan(playbook: model, failAt: failAt)
        } catch {
            Terminal.printError("error: \(error.message)")
            throw ExitCode(2)
        }
        if json {
            Terminal.print(try DiagnosticsJSON.encode(PlanRenderer.json(plan, file: input.playbook)))
        } else {
            Terminal.write(PlanRenderer.text(plan, file: input.playbook), to: .standardOutput)
        }
    }
}
