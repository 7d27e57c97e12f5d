/// The values a run takes from outside the playbook, in order of precedence: the chosen environment,
/// then vars files (a later file wins), then single overrides.
///
/// The labels name each source in messages as the front end spells it; a library message names no
/// flag of its own.
public struct VariableSources: Sendable {
    public var environment: String?
    public var files: [String]
    public var overrides: [String: String]
    public var labels: Labels

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

    public init(environment: String? = nil, files: [String] = [], overrides: [String: String] = [:], labels: Labels = Labels()) {
        self.environment = environment
        self.files = files
        self.overrides = overrides
        self.labels = labels
    }
}
