import Foundation

/// What an action knows about where it runs; handed to Swift steps (shell steps get the same facts as
/// `BELAY_*` environment variables).
public struct StepContext: Sendable {
    /// Which action of the step is running.
    public enum Action: String, Sendable, Hashable, Codable {
        case run, verify, compensate, cancel
    }

    public let runID: String
    public let phase: String
    public let step: String
    public let action: Action
    /// 1 for the first try.
    public let attempt: Int
    public let workspace: URL
    public let vars: [String: String]
    let outputLookup: @Sendable (String, String) -> [String: String]
    let logger: @Sendable (String) -> Void

    /// Made by the engine for each attempt: outputs come from the run's record, log lines go to the
    /// attempt's log.
    package init(
        runID: String, phase: String, step: String, action: Action, attempt: Int, workspace: URL,
        vars: [String: String], outputLookup: @escaping @Sendable (String, String) -> [String: String],
        logger: @escaping @Sendable (String) -> Void
    ) {
        self.runID = runID
        self.phase = phase
        self.step = step
        self.action = action
        self.attempt = attempt
        self.workspace = workspace
        self.vars = vars
        self.outputLookup = outputLookup
        self.logger = logger
    }

    /// An output (`key=value`) recorded by an earlier step of this run.
    public func output(phase: String, step: String, key: String) -> String? {
        outputLookup(phase, step)[key]
    }

    /// Appends a line to this attempt's log (secret values masked).
    public func log(_ line: String) { logger(line) }
}
