import ArgumentParser
import Belay
import Foundation

/// How `run`, `resume` and `rollback` carry a run to its outcome, so the three behave alike: live
/// output, Ctrl-C/SIGTERM pausing the run (a second one kills the steps in flight), the engine's
/// refusals as exit 2 (4 when locked), then the recap and the exit code of the outcome.
enum RunOperation {
    /// Calls `operate` with `options` plus the renderer's observer and the signal watch, and exits
    /// with the outcome's code (the exit-code table in docs/operate.md). `initial` is the state of a
    /// recorded run, so a resumed or rolled back run's counts and phase numbers stay right.
    static func carry(
        json: Bool, workspace: URL, initial: RunState = RunState(), options: RunOptions = RunOptions(),
        _ operate: (RunOptions) async throws -> RunOutcome
    ) async throws -> Never {
        let renderer = RunRenderer(json: json, workspace: workspace, initial: initial)
        var options = options
        options.observer = { renderer.handle($0) }
        let interruption = RunInterruption()
        let watch = interruption.watchSignals(onRequest: OperateExit.announce)
        options.interruption = interruption
        let outcome: RunOutcome
        do {
            outcome = try await operate(options)
        } catch {
            throw OperateExit.fail(error)
        }
        withExtendedLifetime(watch) {}
        renderer.finish(outcome)
        throw ExitCode(outcome.exitCode)
    }
}
