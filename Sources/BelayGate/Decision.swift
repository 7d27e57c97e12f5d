/// The answer of a go/no-go gate.
public enum Decision: String, Sendable, Hashable, Codable, CaseIterable {
    case proceed = "PROCEED"
    case conditionalProceed = "CONDITIONAL_PROCEED"
    case block = "BLOCK"

    /// The `belay gate` exit code for this decision (see docs/gate.md).
    public var exitCode: Int32 {
        switch self {
        case .proceed: 0
        case .block: 1
        case .conditionalProceed: 3
        }
    }
}
