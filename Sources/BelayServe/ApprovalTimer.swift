import Belay
import Foundation

/// While the server runs, an approval that reaches its deadline undecided is acted on at once:
/// the run is resumed (`belay resume`, as a child), and the resume journals the playbook's
/// `on_timeout` decision (`approval_recorded` by `timeout`) and goes on or compensates. Nobody has
/// to type `resume`. A run is resumed once per deadline; a run some process carries on is left alone.
struct ApprovalTimer: Sendable {
    let workspaces: ServedWorkspaces
    let processes: BelayProcesses
    var tick: Duration = .milliseconds(250)

    func run() async {
        var deadlines: [String: (size: Int64, run: String, workspace: ServedWorkspace, deadline: Date?)] = [:]
        var fired: Set<String> = []
        while !Task.isCancelled {
            for workspace in workspaces.all {
                for run in RunFolder.runIDs(in: workspace.url) {
                    let journal = RunFolder(workspace: workspace.url, runID: run).journal
                    let size = Self.size(journal)
                    if deadlines[journal.path]?.size != size {
                        let state = try? workspace.journal.read(run: run).state
                        let waiting = state.flatMap { state -> Date? in
                            guard state.status == .waitingApproval, let key = state.waitingApproval,
                                  let record = state.approvals[key], record.decision == nil else { return nil }
                            return record.deadlineDate
                        }
                        deadlines[journal.path] = (size, run, workspace, waiting)
                    }
                }
            }
            let now = Date()
            for (path, entry) in deadlines {
                guard let deadline = entry.deadline, deadline <= now else { continue }
                let once = "\(path) \(deadline.timeIntervalSince1970)"
                guard !fired.contains(once), RunReads.holder(run: entry.run, workspace: entry.workspace.url) == nil else { continue }
                let key = BelayProcesses.Key(workspace: entry.workspace.url.path, run: entry.run)
                guard await processes.running(key) == nil else { continue }
                fired.insert(once)
                let started = try? await processes.start(
                    ["resume", entry.run, "--workspace", entry.workspace.url.path, "--json"], for: key, in: entry.workspace.url)
                ServeLog.say("run \(entry.run): its approval's deadline passed; resumed (pid \(started.map { String($0.pid) } ?? "not started")) so on_timeout applies")
            }
            try? await Task.sleep(for: tick)
        }
    }

    private static func size(_ url: URL) -> Int64 {
        var info = stat()
        return stat(url.path, &info) == 0 ? Int64(info.st_size) : -1
    }
}
