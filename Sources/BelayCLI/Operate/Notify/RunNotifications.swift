import Belay
import BelayPlaybook
import Foundation
import Synchronization

/// The notifications of one `run`, `resume` or `rollback`: an observer of the run's durable events
/// that posts the notable ones to the webhooks, and, once the run has ended and let go of its
/// lock, journals every delivery that failed as a `warning` (also printed on stderr).
final class RunNotifications: Sendable {
    /// How long the ended run's process waits for its last notices before giving up on them.
    static let finishWithin: Duration = .seconds(8)

    private let notifier: WebhookNotifier?
    private let state: Mutex<RunState>

    /// `targets`: the playbook's `notify:` and `--notify` (URLs, or `$NAME` read from `environment`).
    init(targets: [String], initial: RunState, environment: [String: String] = ProcessInfo.processInfo.environment) {
        var urls: [URL] = []
        for target in targets {
            let text = target.hasPrefix("$") ? environment[String(target.dropFirst())] : target
            guard let text, !text.isEmpty else {
                Terminal.printError("warning: notify \(target) is not set in the environment; that webhook is not told about the run")
                continue
            }
            guard NotifyTarget.isWebhookURL(text), let url = URL(string: text) else {
                Terminal.printError("warning: notify \(target) is not an http:// or https:// URL; that webhook is not told about the run")
                continue
            }
            if !urls.contains(url) { urls.append(url) }
        }
        notifier = urls.isEmpty ? nil : WebhookNotifier(urls: urls)
        state = Mutex(initial)
    }

    /// Folds `event` and queues its notice, if it has one; never waits for a webhook.
    func observe(_ event: JournalEvent) {
        guard let notifier else { return }
        let notice = state.withLock { state -> RunNotice? in
            state.apply(event)
            return RunNotice(event, state: state)
        }
        if let notice { notifier.post(notice) }
    }

    /// After the run: waits a little for the last notices, then journals what was not delivered.
    func finish(runID: String, workspace: URL) async {
        guard let notifier else { return }
        let problems = await notifier.finish(within: Self.finishWithin)
        for problem in problems {
            Terminal.printError("warning: \(problem)")
            do {
                try Engine(workspace: workspace).warn(runID, note: problem)
            } catch {
                Terminal.printError("warning: could not journal it: \(EngineErrorText.text(for: error))")
            }
        }
    }
}
