import Foundation

/// What an action knows about where it runs; handed to Swift steps (shell steps get the same facts as
/// `BELAY_*` environment variables).
public struct StepContext: Sendable {
    /// Which action of the step is running.
    public enum Action: String, Sendable, Hashable {
        case run, verify, compensate
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

    /// An output (`key=value`) recorded by an earlier step of this run.
    public func output(phase: String, step: String, key: String) -> String? {
        outputLookup(phase, step)[key]
    }

    /// Appends a line to this attempt's log (secret values masked).
    public func log(_ line: String) { logger(line) }
}
