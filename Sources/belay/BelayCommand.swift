import ArgumentParser
import Belay

@main
struct BelayCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "belay",
        abstract: "Run staged deployments as sagas with compensation, git rollback points and a go/no-go gate.",
        discussion: """
            Every step pairs a forward action with a compensation; every phase boundary is a rollback \
            point recorded as a git commit in <workspace>/.belay/git.

            Examples:
              belay validate deploy.yml
              belay plan deploy.yml --fail-at release/switch
              belay run deploy.yml --var version=1.4.3
              belay rollback 20261121-153012-a3f9 --to backup
              belay gate --policy release-gate.yml --junit 'reports/*.xml' --sarif scan.sarif
            """,
        version: BelayVersion.current,
        subcommands: [
            // Author and check a playbook.
            ValidateCommand.self, PlanCommand.self,
            // Run and operate.
            RunCommand.self, ResumeCommand.self, StatusCommand.self, RunsCommand.self,
            RollbackCommand.self, ResolveCommand.self, LogCommand.self, PointsCommand.self, DiffCommand.self, InspectCommand.self,
            // Decide.
            GateCommand.self, ApproveCommand.self, RehearseCommand.self,
        ]
    )
}
