import BelaySupport

/// The API as an OpenAPI 3 document, served at `/openapi.json`. Written by hand, apart from the
/// router: a test checks that the two list the same routes and that each route answers.
enum OpenAPIDocument {
    struct Field {
        var name: String
        var type: String
        var required = false
        var about: String
    }

    struct Operation {
        var method: String
        var path: String
        var id: String
        var summary: String
        var query: [Field] = []
        var body: [Field]? = nil
        /// The success status and its content type.
        var success: (code: String, type: String, about: String) = ("200", "application/json", "OK")
        var mutating: Bool { method == "post" }
    }

    static let operations: [Operation] = [
        Operation(method: "get", path: "/openapi.json", id: "openapi", summary: "This document."),
        Operation(method: "get", path: "/api/workspaces", id: "listWorkspaces", summary: "The served workspaces: name and folder."),
        Operation(method: "get", path: "/api/playbooks", id: "listPlaybooks",
                  summary: "YAML playbooks at the top of each workspace and one folder down."),
        Operation(method: "post", path: "/api/playbooks/validate", id: "validatePlaybook",
                  summary: "`belay validate --json` of a playbook: {file, valid, diagnostics}.",
                  body: [Field(name: "playbook", type: "string", required: true, about: "path in the workspace"),
                         Field(name: "workspace", type: "string", about: "needed when several are served")]),
        Operation(method: "get", path: "/api/runs", id: "listRuns",
                  summary: "Every run of every workspace, newest first: status, start, live, the approval waited for."),
        Operation(method: "post", path: "/api/runs", id: "startRun", summary: "Start `belay run`; answers once the run is journaled.",
                  body: [Field(name: "playbook", type: "string", required: true, about: "path in the workspace"),
                         Field(name: "workspace", type: "string", about: "needed when several are served"),
                         Field(name: "run_id", type: "string", about: "default: a new time-ordered id"),
                         Field(name: "vars", type: "object", about: "variables, as --var name=value"),
                         Field(name: "env", type: "string", about: "an environment of the playbook, as --env"),
                         Field(name: "on_failure", type: "string", about: "compensate (default), pause or stop")],
                  success: ("202", "application/json", "Started: {run, workspace, pid, command, exit, events}")),
        Operation(method: "get", path: "/api/runs/{run}", id: "runStatus", summary: "The run's state: the `belay status --json` contract."),
        Operation(method: "get", path: "/api/runs/{run}/events", id: "runEvents", summary: "The journal's events as a JSON array.",
                  query: [Field(name: "after", type: "integer", about: "only events with a greater seq")]),
        Operation(method: "get", path: "/api/runs/{run}/events/stream", id: "followRun",
                  summary: "The journal's events as Server-Sent Events, live (id = seq, data = the event); `end` once finished.",
                  query: [Field(name: "after", type: "integer", about: "start after this seq (or send Last-Event-ID)")],
                  success: ("200", "text/event-stream", "An event stream")),
        Operation(method: "get", path: "/api/runs/{run}/steps", id: "runSteps",
                  summary: "Every step: status, attempts, duration, start and end, outputs (masked as journaled), error."),
        Operation(method: "get", path: "/api/runs/{run}/steps/{phase}/{step}/log", id: "stepLog",
                  summary: "The newest log of a step's action, as stored (masked); its last 512 KiB.",
                  query: [Field(name: "action", type: "string", about: "run (default), verify, compensate or cancel")],
                  success: ("200", "text/plain", "The log")),
        Operation(method: "get", path: "/api/runs/{run}/points", id: "runPoints",
                  summary: "Rollback points: name, commit, time, files changed, undone."),
        Operation(method: "get", path: "/api/runs/{run}/points/{phase}/diff", id: "phaseDiff",
                  summary: "The files a phase changed, with line counts."),
        Operation(method: "get", path: "/api/runs/{run}/decisions", id: "runDecisions",
                  summary: "Gate decisions (decision, criteria, summary) and approvals (who, when, comment)."),
        Operation(method: "post", path: "/api/runs/{run}/pause", id: "pauseRun",
                  summary: "SIGTERM to the process carrying the run: the running step finishes, then the run pauses.",
                  body: [], success: ("202", "application/json", "Signalled")),
        Operation(method: "post", path: "/api/runs/{run}/resume", id: "resumeRun", summary: "Start `belay resume`.",
                  body: [Field(name: "force", type: "boolean", about: "accept drift, as --force")],
                  success: ("202", "application/json", "Resuming")),
        Operation(method: "post", path: "/api/runs/{run}/rollback", id: "rollbackRun",
                  summary: "Start `belay rollback --to`; with dry_run, what it would do (plan and text), changing nothing.",
                  body: [Field(name: "to", type: "string", required: true, about: "a phase id or start"),
                         Field(name: "dry_run", type: "boolean", about: "describe only"),
                         Field(name: "force", type: "boolean", about: "accept drift, as --force")],
                  success: ("202", "application/json", "Rolling back (200 with the plan for a dry run)")),
        Operation(method: "post", path: "/api/runs/{run}/approve", id: "approveRun",
                  summary: "Record a decision on the approval the run waits for (`belay approve`), then resume it.",
                  body: [Field(name: "by", type: "string", required: true, about: "who decides"),
                         Field(name: "comment", type: "string", about: "why"),
                         Field(name: "reject", type: "boolean", about: "reject instead of approving"),
                         Field(name: "resume", type: "boolean", about: "resume the run after (default true)")]),
        Operation(method: "post", path: "/api/runs/{run}/resolve", id: "resolveStep",
                  summary: "Mark a failed compensation as done by hand (`belay resolve`).",
                  body: [Field(name: "step", type: "string", required: true, about: "phase/step"),
                         Field(name: "note", type: "string", required: true, about: "what was done by hand"),
                         Field(name: "by", type: "string", required: true, about: "who did it")]),
        Operation(method: "get", path: "/", id: "dashboard", summary: "The dashboard: every run with its status.",
                  success: ("200", "text/html", "A page")),
        Operation(method: "get", path: "/runs/{run}", id: "runPage",
                  summary: "A run's page: timeline, steps, outputs, points, decisions; live.",
                  success: ("200", "text/html", "A page")),
        Operation(method: "get", path: "/runs/{run}/live", id: "runPageLive",
                  summary: "The live part of a run's page, as the page reloads it.", success: ("200", "text/html", "A fragment")),
        Operation(method: "get", path: "/dashboard.js", id: "dashboardScript", summary: "The dashboard's script.",
                  success: ("200", "text/javascript", "A script")),
    ]

    static var json: JSONText {
        var paths: [(String, JSONText)] = []
        for path in operations.map(\.path).reduce(into: [String](), { if !$0.contains($1) { $0.append($1) } }) {
            paths.append((path, .object(operations.filter { $0.path == path }.map { ($0.method, operation($0)) })))
        }
        return .object([
            ("openapi", .string("3.0.3")),
            ("info", .object([
                ("title", .string("Belay")),
                ("version", .string("1")),
                ("description", .string("Runs, their state and events, and the actions of `belay` on them. Requests that change something need `Authorization: Bearer <token>`.")),
            ])),
            ("paths", .object(paths)),
            ("components", .object([
                ("securitySchemes", .object([("bearer", .object([("type", .string("http")), ("scheme", .string("bearer"))]))])),
                ("schemas", .object([("Error", .object([
                    ("type", .string("object")), ("required", .array([.string("error")])),
                    ("properties", .object([("error", .object([("type", .string("string"))]))])),
                ]))])),
            ])),
        ])
    }

    private static func operation(_ op: Operation) -> JSONText {
        let pathParameters = op.path.split(separator: "/").filter { $0.hasPrefix("{") }.map { String($0.dropFirst().dropLast()) }
        var parameters: [JSONText] = pathParameters.map { name in
            .object([("name", .string(name)), ("in", .string("path")), ("required", .bool(true)),
                     ("schema", .object([("type", .string("string"))]))])
        }
        if op.path.hasPrefix("/api/runs/") {
            parameters.append(.object([("name", .string("workspace")), ("in", .string("query")), ("required", .bool(false)),
                                       ("description", .string("the workspace, when several hold the run id")),
                                       ("schema", .object([("type", .string("string"))]))]))
        }
        parameters += op.query.map { field in
            .object([("name", .string(field.name)), ("in", .string("query")), ("required", .bool(false)),
                     ("description", .string(field.about)), ("schema", .object([("type", .string(field.type))]))])
        }
        var members: [(String, JSONText)] = [("operationId", .string(op.id)), ("summary", .string(op.summary))]
        if !parameters.isEmpty { members.append(("parameters", .array(parameters))) }
        if let body = op.body {
            let properties = body.map { ($0.name, JSONText.object([("type", .string($0.type)), ("description", .string($0.about))])) }
            var schema: [(String, JSONText)] = [("type", .string("object")), ("properties", .object(properties)),
                                                ("additionalProperties", .bool(false))]
            let required = body.filter(\.required).map { JSONText.string($0.name) }
            if !required.isEmpty { schema.append(("required", .array(required))) }
            members.append(("requestBody", .object([
                ("required", .bool(false)),
                ("content", .object([("application/json", .object([("schema", .object(schema))]))])),
            ])))
        }
        var responses: [(String, JSONText)] = [(op.success.code, .object([
            ("description", .string(op.success.about)),
            ("content", .object([(op.success.type, .object([]))])),
        ]))]
        let error = JSONText.object([("application/json", .object([("schema", .object([("$ref", .string("#/components/schemas/Error"))]))]))])
        if op.body != nil { responses.append(("400", .object([("description", .string("A bad body, with what to send")), ("content", error)]))) }
        if op.mutating { responses.append(("401", .object([("description", .string("No or wrong token")), ("content", error)]))) }
        if op.path.contains("{run}") { responses.append(("404", .object([("description", .string("No such run (or step, phase, log)")), ("content", error)]))) }
        if op.mutating { responses.append(("409", .object([("description", .string("The run is not in a state for this (the command's own words)")), ("content", error)]))) }
        members.append(("responses", .object(responses)))
        if op.mutating { members.append(("security", .array([.object([("bearer", .array([]))])]))) }
        return .object(members)
    }
}
