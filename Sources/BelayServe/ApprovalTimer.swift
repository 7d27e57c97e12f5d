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
        var fired: Set<String> = []
        while !Task.isCancelled {
            let now = Date()
            for workspace in workspaces.all {
                for run in RunFolder.runIDs(in: workspace.url) {
                    guard let state = try? JournalCache.shared.read(run, in: workspace).state,
                          state.status == .waitingApproval, let key = state.waitingApproval,
                          let record = state.approvals[key], record.decision == nil,
                          let deadline = record.deadlineDate, deadline <= now else { continue }
                    let once = "\(workspace.url.path) \(run) \(record.deadline ?? "")"
                    guard !fired.contains(once), RunReads.holder(run: run, workspace: workspace.url) == nil else { continue }
                    let child = BelayProcesses.Key(workspace: workspace.url.path, run: run)
                    guard await processes.running(child) == nil else { continue }
                    fired.insert(once)
                    let started = try? await processes.start(
                        ["resume", run, "--workspace", workspace.url.path, "--json"], for: child, in: workspace.url)
                    ServeLog.say("run \(run): its approval's deadline passed; resumed (pid \(started.map { String($0.pid) } ?? "not started")) so on_timeout applies")
                }
            }
            try? await Task.sleep(for: tick)
        }
    }
}
