import BelaySupport

/// Numbers in a Cobertura file, checked for what they count: a broken report (MATLAB writes `NaN`)
/// must make the evidence unreadable with a location, never crash or read as a real figure.
enum CoverageNumber {
    /// Counts above this are not believable (and would not convert to `Int` safely).
    static let largestCount = Double(1 << 53)

    /// A rate between 0 and 1.
    static func rate(_ text: XMLText?, _ name: String) throws -> Double? {
        guard let (value, raw) = try finite(text, name) else { return nil }
        guard (0...1).contains(value) else {
            throw XMLError(.malformed, "\(name)=\"\(raw)\" is out of range: a rate lies between 0 and 1", offset: text!.raw.offset)
        }
        return value
    }

    /// A whole, non-negative count.
    static func count(_ text: XMLText?, _ name: String) throws -> Int? {
        guard let (value, raw) = try finite(text, name) else { return nil }
        guard value >= 0, value <= largestCount, value == value.rounded() else {
            throw XMLError(.malformed, "\(name)=\"\(raw)\" is out of range: a count is a whole number from 0", offset: text!.raw.offset)
        }
        return Int(value)
    }

    /// `covered` and `valid` counts stated together, with covered ≤ valid; `nil` unless both are present.
    static func pair(_ element: XMLElement, covered: StaticString, valid: StaticString) throws -> (Int, Int)? {
        let coveredText = element.attribute(covered), validText = element.attribute(valid)
        guard let hit = try count(coveredText, "\(covered)"), let total = try count(validText, "\(valid)") else { return nil }
        guard hit <= total else {
            throw XMLError(.malformed, "\(covered)=\"\(hit)\" is more than \(valid)=\"\(total)\"", offset: coveredText!.raw.offset)
        }
        return (hit, total)
    }

    private static func finite(_ text: XMLText?, _ name: String) throws -> (Double, String)? {
        guard let text else { return nil }
        let raw = try text.decoded()
        guard let value = Double(raw.trimmingWhitespace()) else {
            throw XMLError(.malformed, "\(name)=\"\(raw)\" is not a number", offset: text.raw.offset)
        }
        guard value.isFinite else {
            throw XMLError(.malformed, "\(name)=\"\(raw)\" is not a finite number", offset: text.raw.offset)
        }
        return (value, raw)
    }
}
