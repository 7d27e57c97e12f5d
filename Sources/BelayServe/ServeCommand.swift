import ArgumentParser
import Belay
import Foundation

/// `belay serve` (the `belay-serve` program): its options, checked before anything listens.
public struct ServeCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "belay serve",
        abstract: "Serve an HTTP API and a live web dashboard over workspaces.",
        discussion: """
            The JSON API is described at /openapi.json; the dashboard is at /. Reads are open to \
            whoever reaches the address; requests that change something (start, pause, resume, \
            roll back, approve, resolve) need `Authorization: Bearer <token>`: the token in \
            --token-file (its first line), or one made at start and printed once. Every action runs \
            the `belay` program beside this one, so it takes the same locks and writes the same \
            journal as a person at a terminal. While the server runs, an approval whose timeout \
            passes has its on_timeout applied at once. The server listens on 127.0.0.1 unless \
            --bind names another address and --allow-remote is given.

            Exit status: 0 stopped (Ctrl-C or SIGTERM; runs it started go on); 2 a bad option, \
            workspace or token file, or the address cannot be bound.

            Examples:
              belay serve --workspace /srv/site
              belay serve --workspace /srv/site --workspace /srv/api --port 8080
              belay serve --token-file ~/.config/belay/token --bind 0.0.0.0 --allow-remote
              curl -s localhost:8080/api/runs | jq .
              curl -s -X POST -H "Authorization: Bearer $TOKEN" -d '{"by":"ana"}' localhost:8080/api/runs/r42/approve
            """
    )

    @Option(name: .customLong("workspace"), help: ArgumentHelp("A workspace to serve (repeatable; default: the current folder).", valueName: "dir"))
    var workspaces: [String] = []

    @Option(help: "The port (0: any free one, printed at start).")
    var port = 8080

    @Option(help: ArgumentHelp("The address to listen on.", valueName: "address"))
    var bind = "127.0.0.1"

    @Flag(help: "Allow --bind to name an address beyond this machine (anyone who reaches it can read runs).")
    var allowRemote = false

    @Option(help: ArgumentHelp("A file whose first line is the token (default: a new token, printed once).", valueName: "file"))
    var tokenFile: String?

    @Flag(help: .hidden)
    var routes = false

    public init() {}

    /// `main()`, with a usage mistake exiting 2 as everywhere in `belay` (not ArgumentParser's 64).
    public static func launch() async {
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? AsyncParsableCommand { try await asyncCommand.run() } else { try command.run() }
        } catch {
            if exitCode(for: error) == .validationFailure {
                FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
                Foundation.exit(2)
            }
            exit(withError: error)
        }
    }

    public func run() async throws {
        let application = try ServeApplication(
            workspaces: Self.checked(workspaces.isEmpty ? [FileManager.default.currentDirectoryPath] : workspaces),
            belay: Self.belayBinary(), token: try token(), host: try host(), port: port)
        if routes {
            for route in application.routes { ServeLog.say(route) }
            return
        }
        try await application.run(printToken: tokenFile == nil)
    }

    private func host() throws -> String {
        let loopback = bind == "localhost" || bind == "::1" || bind.hasPrefix("127.")
        if !loopback && !allowRemote {
            ServeLog.fail("--bind \(bind) listens beyond this machine, where anyone who reaches it can read every run; add --allow-remote if that is meant (and keep the token secret), or leave --bind out for 127.0.0.1")
        }
        return bind == "localhost" ? "127.0.0.1" : bind
    }

    private func token() throws -> AccessToken {
        guard let tokenFile else { return .generate() }
        guard let token = AccessToken.read(tokenFile) else {
            ServeLog.fail("cannot read a token from \(tokenFile): give a readable file whose first line is the token (for example `openssl rand -hex 32 > \(tokenFile)`), or leave --token-file out for a new one")
        }
        return token
    }

    static func checked(_ paths: [String]) -> [URL] {
        paths.map { path in
            let url = URL(fileURLWithPath: path).standardizedFileURL
            var folder: ObjCBool = false
            guard FileManager.default.fileExists(atPath: url.path, isDirectory: &folder), folder.boolValue else {
                ServeLog.fail("--workspace \(path): no such folder")
            }
            do { _ = try Engine(workspace: url) } catch { ServeLog.fail("--workspace \(path): \(error)") }
            return url
        }
    }

    /// The `belay` program beside this one: the server acts only through it.
    static func belayBinary() -> URL {
        let own = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        let belay = URL(fileURLWithPath: own).deletingLastPathComponent().appendingPathComponent("belay")
        guard FileManager.default.isExecutableFile(atPath: belay.path) else {
            ServeLog.fail("the belay program is not beside this one (\(belay.path)): build both with `swift build` (or `make serve`)")
        }
        return belay
    }
}
