import Belay
import BelaySupport
import Foundation
import Hummingbird

/// Every route of the server, API and dashboard. `OpenAPIDocument` describes the same list.
struct ServeRoutes: Sendable {
    let workspaces: ServedWorkspaces
    let actions: RunActions
    let token: AccessToken

    func register(on router: Router<BasicRequestContext>) {
        router.get("/openapi.json") { _, _ in Reply.json(OpenAPIDocument.json) }
        router.get("/api/workspaces") { _, _ in
            Reply.json(.array(workspaces.all.map { .object([("name", .string($0.name)), ("path", .string($0.url.path))]) }))
        }
        router.get("/api/playbooks") { _, _ in Reply.json(actions.playbooks()) }
        router.post("/api/playbooks/validate") { request, context in
            await mutate(request) { () async throws(APIError) in try await actions.validate(try await JSONBody.read(request, context: context)) }
        }
        router.get("/api/runs") { _, _ in await Reply.guarded { Reply.json(try RunReads.runs(workspaces)) } }
        router.post("/api/runs") { request, context in
            await mutate(request) { () async throws(APIError) in try await actions.start(try await JSONBody.read(request, context: context)) }
        }
        read("/api/runs/{run}", on: router) { run, workspace, _ in
            Reply.json(StatusJSON.object(runID: run, state: try RunReads.state(run, in: workspace)))
        }
        read("/api/runs/{run}/events", on: router) { run, workspace, request in
            let after = try Self.after(request)
            let events = try RunReads.events(run, in: workspace).filter { $0.seq > after }
            return Reply.json(.array(events.map(\.jsonText)))
        }
        read("/api/runs/{run}/events/stream", on: router) { run, workspace, request in
            let resumeFrom = request.headers.first { $0.name.canonicalName == "last-event-id" }.flatMap { Int($0.value) }
            return EventStream.response(run: run, workspace: workspace, after: try resumeFrom ?? Self.after(request))
        }
        read("/api/runs/{run}/steps", on: router) { run, workspace, _ in Reply.json(RunReads.steps(try RunReads.history(run, in: workspace))) }
        read("/api/runs/{run}/steps/{phase}/{step}/log", on: router) { run, workspace, request in
            let action = request.uri.queryParameters.get("action") ?? "run"
            guard ["run", "verify", "compensate", "cancel"].contains(action) else {
                throw APIError.badRequest("action takes run, verify, compensate or cancel, not '\(action)'")
            }
            let phase = request.uri.path.split(separator: "/").dropFirst(4).first.map(String.init) ?? ""
            let step = request.uri.path.split(separator: "/").dropFirst(5).first.map(String.init) ?? ""
            return Reply.text(try RunReads.log(run: run, phase: phase, step: step, action: action, workspace: workspace))
        }
        read("/api/runs/{run}/points", on: router) { run, workspace, _ in
            Reply.json(RunReads.pointsJSON(try await RunReads.points(try RunReads.history(run, in: workspace))))
        }
        read("/api/runs/{run}/points/{phase}/diff", on: router) { run, workspace, request in
            let phase = request.uri.path.split(separator: "/").dropFirst(4).first.map(String.init) ?? ""
            return Reply.json(try await RunReads.diff(try RunReads.history(run, in: workspace), phase: phase))
        }
        read("/api/runs/{run}/decisions", on: router) { run, workspace, _ in
            Reply.json(RunReads.decisions(try RunReads.history(run, in: workspace)))
        }
        act("/api/runs/{run}/pause", on: router) { run, workspace, _ throws(APIError) in try await actions.pause(run, workspace: workspace) }
        act("/api/runs/{run}/resume", on: router) { run, workspace, body throws(APIError) in try await actions.resume(run, workspace: workspace, body: body) }
        act("/api/runs/{run}/rollback", on: router) { run, workspace, body throws(APIError) in try await actions.rollback(run, workspace: workspace, body: body) }
        act("/api/runs/{run}/approve", on: router) { run, workspace, body throws(APIError) in try await actions.approve(run, workspace: workspace, body: body) }
        act("/api/runs/{run}/resolve", on: router) { run, workspace, body throws(APIError) in try await actions.resolve(run, workspace: workspace, body: body) }

        router.get("/") { _, _ in await Reply.guarded { Reply.html(DashboardPages.runs(try RunReads.runs(workspaces), workspaces: workspaces)) } }
        read("/runs/{run}", on: router) { run, workspace, _ in
            let seq = try RunReads.state(run, in: workspace).lastSeq
            return Reply.html(DashboardPages.run(run, workspace: workspace, live: try await RunFragment.render(run, workspace: workspace), seq: seq))
        }
        read("/runs/{run}/live", on: router) { run, workspace, _ in Reply.html(try await RunFragment.render(run, workspace: workspace)) }
        router.get("/dashboard.js") { _, _ in Reply.script(DashboardScript.text) }
    }

    /// A GET on one run: the run found (404 otherwise), then `work`.
    private func read(
        _ path: String, on router: Router<BasicRequestContext>,
        _ work: @escaping @Sendable (String, ServedWorkspace, Request) async throws -> Response
    ) {
        router.get(RouterPath(path)) { request, context in
            await Reply.guarded {
                let run = context.parameters.get("run") ?? ""
                let workspace = try workspaces.locate(run: run, workspace: request.uri.queryParameters.get("workspace"))
                return try await work(run, workspace, request)
            }
        }
    }

    /// A POST on one run: the token first (401), then the run (404), then the body (400), then `work`.
    private func act(
        _ path: String, on router: Router<BasicRequestContext>,
        _ work: @escaping @Sendable (String, ServedWorkspace, JSONBody) async throws(APIError) -> Response
    ) {
        router.post(RouterPath(path)) { request, context in
            await mutate(request) { () async throws(APIError) in
                let run = context.parameters.get("run") ?? ""
                let workspace = try workspaces.locate(run: run, workspace: request.uri.queryParameters.get("workspace"))
                return try await work(run, workspace, try await JSONBody.read(request, context: context))
            }
        }
    }

    private func mutate(_ request: Request, _ work: () async throws(APIError) -> Response) async -> Response {
        do {
            try token.require(request)
            return try await work()
        } catch {
            return error.response
        }
    }

    private static func after(_ request: Request) throws(APIError) -> Int {
        guard let text = request.uri.queryParameters.get("after") else { return 0 }
        guard let value = Int(text), value >= 0 else { throw .badRequest("after takes an event's seq (a whole number), not '\(text)'") }
        return value
    }
}
