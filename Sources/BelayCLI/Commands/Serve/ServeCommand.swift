import ArgumentParser
import Foundation

/// `belay serve`: hands over to the `belay-serve` program built beside `belay`, so that the everyday
/// command line never has to build (or load) the HTTP server. `BelayCommand.launch` hands over
/// before parsing, so `belay serve --help` is the server's own help; this entry only names the
/// command in `belay --help`.
struct ServeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve an HTTP API and a live web dashboard over workspaces (runs belay-serve).",
        discussion: """
            Examples:
              belay serve --workspace /srv/site
              belay serve --workspace /srv/site --port 8080 --token-file ~/.config/belay/token
            """
    )

    @Argument(parsing: .allUnrecognized, help: .hidden)
    var arguments: [String] = []

    func run() throws {
        ServeLauncher.exec(Array(CommandLine.arguments.dropFirst(2)))
    }
}

/// Finds `belay-serve` next to the running `belay` and replaces this process with it.
enum ServeLauncher {
    static let program = "belay-serve"

    /// Never returns: the server runs in this process's place, or the error exits 2.
    static func exec(_ arguments: [String]) -> Never {
        let own = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
            ?? CommandLine.arguments[0]
        let server = URL(fileURLWithPath: own).deletingLastPathComponent().appendingPathComponent(program).path
        guard FileManager.default.isExecutableFile(atPath: server) else {
            Terminal.printError("""
                belay: `belay serve` runs the \(program) program, which is not built: there is no \(server).
                  Build it with `make serve` (or `swift build --product \(program)`; add `-c release` for a release build),
                  then run `belay serve` again.
                """)
            Foundation.exit(2)
        }
        let argv = ([server] + arguments).map { strdup($0) } + [nil]
        execv(server, argv)
        Terminal.printError("belay: cannot start \(server): \(String(cString: strerror(errno)))")
        Foundation.exit(2)
    }
}
