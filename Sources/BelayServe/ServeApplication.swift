import Foundation
import Hummingbird

/// The server assembled: the routes over the workspaces, the approval timer beside them.
struct ServeApplication: Sendable {
    let workspaces: ServedWorkspaces
    let processes: BelayProcesses
    let token: AccessToken
    let host: String
    let port: Int

    init(workspaces urls: [URL], belay: URL, token: AccessToken, host: String, port: Int) throws {
        workspaces = ServedWorkspaces(urls)
        processes = BelayProcesses(belay: belay)
        self.token = token
        self.host = host
        self.port = port
    }

    private func router() -> Router<BasicRequestContext> {
        let router = Router()
        ServeRoutes(workspaces: workspaces, actions: RunActions(workspaces: workspaces, processes: processes), token: token)
            .register(on: router)
        return router
    }

    /// "GET /api/runs/{run}", one per registered route.
    var routes: [String] { router().routes.map(\.description) }

    func run(printToken: Bool) async throws {
        // Hummingbird's own lines (one per start) would mix with the server's; warnings still show.
        if getenv("LOG_LEVEL") == nil { setenv("LOG_LEVEL", "warning", 1) }
        // Ctrl-C or SIGTERM stops the server at once; runs started here are children in their own
        // process groups and go on. Unblocked first: a parent may have started this one with them blocked.
        var stopping = sigset_t()
        sigemptyset(&stopping)
        for signalNumber in [SIGINT, SIGTERM] {
            sigaddset(&stopping, signalNumber)
            signal(signalNumber) { _ in _exit(0) }
        }
        sigprocmask(SIG_UNBLOCK, &stopping, nil)
        let processes = processes
        let workspaces = workspaces, token = token, host = host
        let application = Application(
            router: router(),
            configuration: .init(address: .hostname(host, port: port), serverName: "belay"),
            onServerRunning: { channel in
                let bound = channel.localAddress?.port ?? 0
                let shown = host.contains(":") ? "[\(host)]" : host
                ServeLog.say("belay serve: listening on http://\(shown):\(bound)/ over \(workspaces.all.map { "\($0.name) (\($0.url.path))" }.joined(separator: ", "))")
                if printToken { ServeLog.say("  token (send as Authorization: Bearer <token>; shown once): \(token.value)") }
                ServeLog.say("  dashboard: http://\(shown):\(bound)/\(printToken ? "#token=\(token.value)" : "")")
                ServeLog.say("  API: http://\(shown):\(bound)/openapi.json")
            })
        let timer = Task { await ApprovalTimer(workspaces: workspaces, processes: processes).run() }
        defer { timer.cancel() }
        do {
            try await application.runService(gracefulShutdownSignals: [])
        } catch {
            ServeLog.fail("cannot listen on \(host):\(port): \(error)")
        }
    }
}
