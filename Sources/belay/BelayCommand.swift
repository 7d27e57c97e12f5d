import ArgumentParser
import Belay

@main
struct BelayCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "belay",
        abstract: "Run staged deployments as sagas with compensation, git rollback points and a go/no-go gate.",
        version: BelayVersion.current,
        subcommands: [
            // Author and check a playbook.
            ValidateCommand.self, PlanCommand.self,
            // Run and operate.
            RunCommand.self, ResumeCommand.self, StatusCommand.self, RunsCommand.self,
            // Decide.
            GateCommand.self, ApproveCommand.self, RehearseCommand.self,
        ]
    )
}
