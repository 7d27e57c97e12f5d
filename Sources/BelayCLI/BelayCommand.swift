import ArgumentParser
import Belay
import BelaySupport
import Foundation

/// The `belay` command line; the `belay` executable only calls `launch()`.
public struct BelayCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
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
            InitCommand.self, ValidateCommand.self, PlanCommand.self, SchemaCommand.self,
            // Run and operate.
            RunCommand.self, ResumeCommand.self, StatusCommand.self, RunsCommand.self,
            RollbackCommand.self, ResolveCommand.self, LogCommand.self, PointsCommand.self, DiffCommand.self, InspectCommand.self,
            ReportCommand.self,
            // Decide.
            GateCommand.self, ApproveCommand.self, RehearseCommand.self,
            // Share and watch.
            LockCommand.self, ServeCommand.self,
            // Keep the state folder small.
            GCCommand.self,
        ]
    )

    public init() {}

    /// Runs the parsed command. A usage mistake (unknown flag, missing argument, bad value) exits 2,
    /// the code the exit-code tables in docs/engine.md and docs/operate.md give invalid input, rather than ArgumentParser's own 64, so scripts see
    /// one code for "you called it wrong" whatever layer noticed. Not named `main()`: called from
    /// top-level code, that name picks ArgumentParser's synchronous entry point, which skips all this.
    public static func launch() async {
        // A closed stdout must not kill a run mid-saga; child processes get SIGPIPE back by default.
        signal(SIGPIPE, SIG_IGN)
        if CommandLine.arguments.dropFirst().first == ServeCommand._commandName {
            ServeLauncher.exec(Array(CommandLine.arguments.dropFirst(2)))
        }
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            if let unknown = unknownSubcommand() {
                let names = configuration.subcommands.map { $0._commandName }
                let hint = Suggestion.hint(for: unknown, among: names) ?? "commands: \(names.joined(separator: ", "))"
                Terminal.printError("belay: '\(unknown)' is not a belay command; \(hint) (see `belay --help`)")
                Foundation.exit(2)
            }
            if exitCode(for: error) == .validationFailure {
                Terminal.printError(fullMessage(for: error))
                Foundation.exit(2)
            }
            exit(withError: error)
        }
    }

    /// The first argument when it is a word that names no subcommand (`belay rnu`): ArgumentParser
    /// only says "unexpected argument", so the did-you-mean is added here.
    private static func unknownSubcommand() -> String? {
        let arguments = CommandLine.arguments.dropFirst()
        guard let first = arguments.first, !first.hasPrefix("-"), first != "help" else { return nil }
        let names = configuration.subcommands.map { $0._commandName }
        return names.contains(first) ? nil : first
    }
}
