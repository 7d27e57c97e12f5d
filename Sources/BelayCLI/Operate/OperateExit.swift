import ArgumentParser
import Belay

/// Shared by the commands that operate on a recorded run.
enum OperateExit {
    /// Prints the error with the CLI's advice; exit 4 for a lock held by a live run, else 2.
    static func fail(_ error: any Error) -> ExitCode {
        Terminal.printError("belay: \(EngineErrorText.text(for: error))")
        return ExitCode((error as? EngineError)?.code == .locked ? 4 : 2)
    }

    /// Tells the operator what a signal does.
    @Sendable static func announce(_ level: RunInterruption.Level) {
        switch level {
        case .pause:
            Terminal.printError("\nbelay: pausing: letting the step(s) in flight finish, then the run stops (exit 75). "
                + "Press Ctrl-C again to kill them.")
        case .kill:
            Terminal.printError("\nbelay: killing the step(s) in flight; their outcome is recorded as unknown, "
                + "and `belay resume` settles them (verify, re-run if idempotent, else compensate).")
        case .none:
            break
        }
    }
}
