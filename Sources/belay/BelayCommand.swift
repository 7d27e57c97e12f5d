import ArgumentParser
import Belay

@main
struct BelayCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "belay",
        abstract: "Run staged deployments as sagas with compensation, git rollback points and a go/no-go gate.",
        version: BelayVersion.current,
        subcommands: [
            ValidateCommand.self, PlanCommand.self, RunCommand.self, ResumeCommand.self, StatusCommand.self,
            RunsCommand.self, GateCommand.self,
        ]
    )
}
