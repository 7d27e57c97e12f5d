import Foundation

/// The values a run takes from outside the playbook, in order of precedence: the chosen environment,
/// then vars files (a later file wins), then, for secret variables only, the process environment
/// (`BELAY_VAR_<NAME>`), then single overrides.
///
/// The labels name each source in messages as the front end spells it; a library message names no
/// flag of its own.
public struct VariableSources: Sendable {
    public var environment: String?
    public var files: [String]
    public var overrides: [String: String]
    public var labels: Labels
    /// Where secret variables are looked up as `BELAY_VAR_<NAME>`: a secret is never written down.
    public var processEnvironment: [String: String]

    public struct Labels: Sendable {
        public var environment: String
        public var file: String
        public var override: String

        public init(environment: String = "the environment choice", file: String = "a vars file", override: String = "the override") {
            self.environment = environment
            self.file = file
            self.override = override
        }
    }

    public init(
        environment: String? = nil, files: [String] = [], overrides: [String: String] = [:], labels: Labels = Labels(),
        processEnvironment: [String: String] = ProcessInfo.processInfo.environment
    ) {
        self.environment = environment
        self.files = files
        self.overrides = overrides
        self.labels = labels
        self.processEnvironment = processEnvironment
    }
}
