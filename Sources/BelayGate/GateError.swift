/// A gate could not be evaluated as asked: the command line contradicts the policy.
/// (Policy file problems are `DiagnosticsError`s with locations.)
public struct GateError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Code: String, Sendable, Hashable {
        /// `--junit` and friends when the policy has no source of that kind, or several.
        case ambiguousOverride
        /// `--evidence NAME=GLOB` naming a source the policy does not declare, or malformed.
        case unknownSource
    }

    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}
