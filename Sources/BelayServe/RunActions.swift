import Belay
import BelaySupport
import Foundation
import Hummingbird

/// What the API does to runs, each through the `belay` command a person would type: `run`,
/// `resume` and `rollback` as children that carry the run on; `approve`, `resolve`, `validate` and a
/// rollback's dry run awaited; pause is SIGTERM to the process carrying the run, as at a terminal.
struct RunActions: Sendable {
    let workspaces: ServedWorkspaces
    let processes: BelayProcesses

    /// `POST /api/runs`: starts `belay run` and answers once the run is journaled (202).
    func start(_ body: JSONBody) async throws(APIError) -> Response {
        try body.only(["playbook", "workspace", "run_id", "vars", "env", "on_failure"])
        let workspace = try workspaces.named(try body.string("workspace"))
        let playbook = try Self.playbook(try body.required("playbook", "the playbook's path in the workspace"), in: workspace)
        let run = try body.string("run_id") ?? RunID.make()
        guard RunID.isValid(run) else { throw .badRequest("\"run_id\" '\(run)' is not a run id: \(RunID.rule)") }
        if FileManager.default.fileExists(atPath: RunFolder(workspace: workspace.url, runID: run).url.path) {
            throw .conflict("run \(run) already exists in workspace \(workspace.name): pick another \"run_id\"")
        }
        var arguments = ["run", playbook.path, "--workspace", workspace.url.path, "--run-id", run, "--json"]
        for (name, value) in try body.strings("vars").sorted(by: { $0.key < $1.key }) { arguments += ["--var", "\(name)=\(value)"] }
        if let environment = try body.string("env") { arguments += ["--env", environment] }
        if let policy = try body.string("on_failure") {
            guard ["compensate", "pause", "stop"].contains(policy) else {
                throw .badRequest("\"on_failure\" takes compensate, pause or stop, not '\(policy)'")
            }
            arguments += ["--on-failure", policy]
        }
        let child = try await carryOn(arguments, run: run, workspace: workspace, lastSeq: 0, refusal: .badRequest)
        return Reply.json(accepted(run, workspace: workspace, child: child), status: .accepted)
    }

    /// `POST /api/runs/{run}/resume`.
    func resume(_ run: String, workspace: ServedWorkspace, body: JSONBody) async throws(APIError) -> Response {
        try body.only(["force"])
        let before = try RunReads.state(run, in: workspace).lastSeq
        var arguments = ["resume", run, "--workspace", workspace.url.path, "--json"]
        if try body.bool("force") == true { arguments.append("--force") }
        let child = try await carryOn(arguments, run: run, workspace: workspace, lastSeq: before, refusal: .conflict)
        return Reply.json(accepted(run, workspace: workspace, child: child), status: .accepted)
    }

    /// `POST /api/runs/{run}/rollback`: with `"dry_run": true`, what it would do (nothing changes).
    func rollback(_ run: String, workspace: ServedWorkspace, body: JSONBody) async throws(APIError) -> Response {
        try body.only(["to", "dry_run", "force"])
        let target = try body.required("to", "the rollback point: a phase id or start")
        var arguments = ["rollback", run, "--to", target, "--workspace", workspace.url.path]
        if try body.bool("force") == true { arguments.append("--force") }
        if try body.bool("dry_run") == true {
            let plan = try await processes.call(arguments + ["--dry-run", "--json"], in: workspace.url)
            guard plan.status == 0 else { throw Self.refusal(plan.status, plan.stderr, default: .conflict) }
            let text = try await processes.call(arguments + ["--dry-run"], in: workspace.url)
            let json = plan.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            return Reply.body(
                "{\"run\":\(JSONText.string(run).rendered()),\"to\":\(JSONText.string(target).rendered()),\"dry_run\":true,"
                    + "\"plan\":\(json.isEmpty ? "null" : json),\"text\":\(JSONText.string(text.stdout).rendered())}\n",
                type: "application/json", status: .ok)
        }
        let before = try RunReads.state(run, in: workspace).lastSeq
        let child = try await carryOn(arguments + ["--json"], run: run, workspace: workspace, lastSeq: before, refusal: .conflict)
        return Reply.json(accepted(run, workspace: workspace, child: child), status: .accepted)
    }

    /// `POST /api/runs/{run}/pause`: SIGTERM to the process carrying the run on; it lets the running
    /// step finish, then pauses (exit 75), as after Ctrl-C.
    func pause(_ run: String, workspace: ServedWorkspace) async throws(APIError) -> Response {
        var pid: Int32?
        if let holder = RunReads.holder(run: run, workspace: workspace.url), holder.host == ProcessInfo.processInfo.hostName {
            pid = holder.pid
        } else if let child = await processes.running(.init(workspace: workspace.url.path, run: run)) {
            pid = child.pid
        }
        guard let pid else {
            let status = try RunReads.state(run, in: workspace).status
            throw .conflict("no process on this host is carrying run \(run) on (it is \(status.rawValue)): nothing to pause")
        }
        guard kill(pid, SIGTERM) == 0 else { throw .conflict("cannot signal pid \(pid): \(String(cString: strerror(errno)))") }
        return Reply.json(.object([("run", .string(run)), ("signalled", .int(Int64(pid))), ("signal", .string("SIGTERM"))]), status: .accepted)
    }

    /// `POST /api/runs/{run}/approve`: records who decided (`belay approve`), then, unless
    /// `"resume": false`, resumes the run so it goes on (or compensates, when rejected).
    func approve(_ run: String, workspace: ServedWorkspace, body: JSONBody) async throws(APIError) -> Response {
        try body.only(["by", "comment", "reject", "resume"])
        let who = try body.required("by", "who decides, for the journal (a name)")
        let comment = try body.string("comment")
        let reject = try body.bool("reject") ?? false
        var arguments = ["approve", run, "--by", who, "--workspace", workspace.url.path]
        if let comment { arguments += ["--comment", comment] }
        if reject { arguments.append("--reject") }
        let answer = try await processes.call(arguments, in: workspace.url)
        guard answer.status == 0 else { throw Self.refusal(answer.status, answer.stderr, default: .conflict) }
        var resumed: JSONText = .bool(false)
        if try body.bool("resume") ?? true {
            let before = try RunReads.state(run, in: workspace).lastSeq
            let child = try await carryOn(["resume", run, "--workspace", workspace.url.path, "--json"],
                                          run: run, workspace: workspace, lastSeq: before, refusal: .conflict)
            resumed = .int(Int64(child.pid))
        }
        return Reply.json(.object([
            ("run", .string(run)), ("decision", .string(reject ? "rejected" : "approved")), ("by", .string(who)),
            ("comment", .optional(comment)), ("resumed_by_pid", resumed),
        ]))
    }

    /// `POST /api/runs/{run}/resolve`: a failed compensation done by hand (`belay resolve`).
    func resolve(_ run: String, workspace: ServedWorkspace, body: JSONBody) async throws(APIError) -> Response {
        try body.only(["step", "note", "by"])
        let step = try body.required("step", "the step whose compensation was done by hand, as phase/step")
        let parts = step.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
            throw .badRequest("\"step\" takes phase/step, got '\(step)'")
        }
        let note = try body.required("note", "what was done by hand")
        let who = try body.required("by", "who did it (a name)")
        let answer = try await processes.call(
            ["resolve", run, "--step", step, "--note", note, "--by", who, "--workspace", workspace.url.path], in: workspace.url)
        guard answer.status == 0 else { throw Self.refusal(answer.status, answer.stderr, default: .conflict) }
        return Reply.json(.object([("run", .string(run)), ("step", .string(step)), ("by", .string(who)), ("note", .string(note))]))
    }

    /// `POST /api/playbooks/validate`: `belay validate --json` (its contract) of a playbook in a workspace.
    func validate(_ body: JSONBody) async throws(APIError) -> Response {
        try body.only(["playbook", "workspace"])
        let workspace = try workspaces.named(try body.string("workspace"))
        let playbook = try Self.playbook(try body.required("playbook", "the playbook's path in the workspace"), in: workspace)
        let answer = try await processes.call(["validate", playbook.path, "--json"], in: workspace.url)
        guard answer.status == 0 || answer.status == 2, answer.stdout.hasPrefix("{") else {
            throw APIError(status: .internalServerError, message: "belay validate failed: \(answer.stderr)")
        }
        return Reply.body(answer.stdout, type: "application/json", status: .ok)
    }

    /// `GET /api/playbooks`: the YAML files with `phases:` at the top of each workspace and one folder down.
    func playbooks() -> JSONText {
        var found: [JSONText] = []
        for workspace in workspaces.all {
            for path in Self.yamlFiles(in: workspace.url) {
                guard let text = try? String(contentsOf: workspace.url.appendingPathComponent(path), encoding: .utf8),
                      text.contains("\nphases:") || text.hasPrefix("phases:") else { continue }
                found.append(.object([("workspace", .string(workspace.name)), ("path", .string(path))]))
            }
        }
        return .array(found)
    }

    // MARK: -

    private static func yamlFiles(in folder: URL) -> [String] {
        let manager = FileManager.default
        var paths: [String] = []
        for name in ((try? manager.contentsOfDirectory(atPath: folder.path)) ?? []).sorted() where !name.hasPrefix(".") {
            var isFolder: ObjCBool = false
            manager.fileExists(atPath: folder.appendingPathComponent(name).path, isDirectory: &isFolder)
            if isFolder.boolValue {
                let inner = (try? manager.contentsOfDirectory(atPath: folder.appendingPathComponent(name).path)) ?? []
                paths += inner.sorted().filter { $0.hasSuffix(".yml") || $0.hasSuffix(".yaml") }.map { "\(name)/\($0)" }
            } else if name.hasSuffix(".yml") || name.hasSuffix(".yaml") {
                paths.append(name)
            }
        }
        return paths
    }

    /// A playbook path given by a client: inside the workspace, and a file.
    static func playbook(_ path: String, in workspace: ServedWorkspace) throws(APIError) -> URL {
        let root = workspace.url.standardizedFileURL.path
        let url = (path.hasPrefix("/") ? URL(fileURLWithPath: path) : workspace.url.appendingPathComponent(path)).standardizedFileURL
        guard url.path.hasPrefix(root + "/") else {
            throw .badRequest("\"playbook\" must be a file inside workspace \(workspace.name), not '\(path)'")
        }
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw .notFound("no playbook '\(path)' in workspace \(workspace.name) (see GET /api/playbooks)")
        }
        return url
    }

    /// Starts a child and waits until it has journaled something new (it took the run) or ended;
    /// an early end with a refusal answers with the command's own message.
    private func carryOn(
        _ arguments: [String], run: String, workspace: ServedWorkspace, lastSeq: Int, refusal: HTTPResponse.Status
    ) async throws(APIError) -> BelayProcesses.Child {
        let key = BelayProcesses.Key(workspace: workspace.url.path, run: run)
        let started = try await processes.start(arguments, for: key, in: workspace.url)
        let journal = RunFolder(workspace: workspace.url, runID: run).journal
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline {
            if let child = await processes.child(key), child.pid == started.pid, let exit = child.exit {
                if [0, 1, 3, 75].contains(exit) { return child }
                throw Self.refusal(exit, child.errorText, default: refusal)
            }
            if FileManager.default.fileExists(atPath: journal.path), let seq = try? JournalCache.shared.read(run, in: workspace).state.lastSeq, seq > lastSeq {
                return started
            }
            try? await Task.sleep(for: .milliseconds(40))
        }
        return started
    }

    private func accepted(_ run: String, workspace: ServedWorkspace, child: BelayProcesses.Child) -> JSONText {
        .object([
            ("run", .string(run)), ("workspace", .string(workspace.name)), ("pid", .int(Int64(child.pid))),
            ("command", .string(child.command)), ("exit", child.exit.map { .int(Int64($0)) } ?? .null),
            ("events", .string("/api/runs/\(run)/events/stream")),
        ])
    }

    /// A command's refusal as an API error: exit 4 (locked) is a conflict; exit 2 is `usage` for
    /// input the client chose, a conflict for a run not in a state to do it.
    static func refusal(_ exit: Int32, _ stderr: String, default usage: HTTPResponse.Status) -> APIError {
        let message = stderr.trimmingCharacters(in: .whitespacesAndNewlines)
            .split(separator: "\n").map { $0.hasPrefix("belay: ") ? String($0.dropFirst(7)) : String($0) }.joined(separator: "\n")
        let status: HTTPResponse.Status = switch exit {
        case 4: .conflict
        case 2: usage
        default: .internalServerError
        }
        return APIError(status: status, message: message.isEmpty ? "belay exited \(exit)" : message)
    }
}
