import ArgumentParser
import Belay
import Foundation

/// How `run`, `resume` and `rollback` carry a run to its outcome, so the three behave alike: live
/// output and progress, notifications, Ctrl-C/SIGTERM pausing the run (a second one kills the steps
/// in flight), the engine's refusals as exit 2 (4 when locked), then the recap and the exit code of
/// the outcome.
enum RunOperation {
    /// Calls `operate` with `options` plus the observers (renderer, notifications) and the signal
    /// watch, and exits with the outcome's code (the exit-code table in docs/operate.md). `initial`
    /// is the state of a recorded run, so a resumed or rolled back run's counts and phase numbers
    /// stay right; `notify` the playbook's webhooks (the `--notify` ones are added).
    static func carry(
        json: Bool, watch: WatchOptions, workspace: URL, initial: RunState = RunState(), notify: [String] = [],
        options: RunOptions = RunOptions(), _ operate: (RunOptions) async throws -> RunOutcome
    ) async throws -> Never {
        let renderer = RunRenderer(
            json: json, workspace: workspace, initial: initial,
            progress: LiveProgress.mode(json: json, follow: watch.follow))
        let notifications = RunNotifications(targets: notify + watch.notify, initial: initial)
        let ticker = renderer.progress.start()
        defer { renderer.progress.stop(ticker) }
        var options = options
        options.observer = { event in
            renderer.handle(event)
            notifications.observe(event)
        }
        let interruption = RunInterruption()
        let signals = interruption.watchSignals(onRequest: OperateExit.announce)
        options.interruption = interruption
        let outcome: RunOutcome
        do {
            outcome = try await operate(options)
        } catch {
            throw OperateExit.fail(error)
        }
        withExtendedLifetime(signals) {}
        renderer.progress.stop(ticker)
        renderer.finish(outcome)
        await notifications.finish(runID: outcome.runID, workspace: workspace)
        // The history line `belay runs` shows, folded once now rather than by every later listing.
        if FileManager.default.fileExists(atPath: RunFolder(workspace: workspace, runID: outcome.runID).journal.path) {
            _ = try? RunSummaries(workspace: workspace).refresh(outcome.runID)
        }
        throw ExitCode(outcome.exitCode)
    }
}
