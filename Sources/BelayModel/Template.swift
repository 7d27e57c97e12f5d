import BelaySupport

/// A command with `{{ vars.name }}` and `{{ steps.<phase>.<step>.<key> }}` placeholders.
///
/// Rendering replaces each placeholder with its value **shell-quoted as one word**, so a value can
/// never inject shell syntax: `a'; rm -rf /` arrives as one literal argument.
public struct Template: Sendable, Hashable {
    /// What a placeholder refers to.
    public enum Reference: Sendable, Hashable, CustomStringConvertible {
        case variable(String)
        case stepOutput(phase: String, step: String, key: String)

        public var description: String {
            switch self {
            case .variable(let name): "vars.\(name)"
            case .stepOutput(let phase, let step, let key): "steps.\(phase).\(step).\(key)"
            }
        }
    }

    /// One piece of the command: literal text or a placeholder.
    public enum Segment: Sendable, Hashable {
        case literal(String)
        /// `offset` counts characters from the start of the command to the `{{`.
        case placeholder(Reference, offset: Int)
        /// A `{{ … }}` that names nothing Belay knows (`{{ version }}`, `{{ steps.a }}`).
        case invalid(String, offset: Int)
    }

    public let text: String
    public let segments: [Segment]

    public init(_ text: String) {
        self.text = text
        self.segments = Template.parse(text)
    }

    /// Every well-formed placeholder with its character offset, for validation.
    public var references: [(reference: Reference, offset: Int)] {
        segments.compactMap {
            if case .placeholder(let reference, let offset) = $0 { return (reference, offset) }
            return nil
        }
    }

    /// Every malformed placeholder with its character offset, for validation.
    public var invalidPlaceholders: [(text: String, offset: Int)] {
        segments.compactMap {
            if case .invalid(let text, let offset) = $0 { return (text, offset) }
            return nil
        }
    }

    /// The command with each placeholder replaced by its shell-quoted value.
    /// - Throws: `TemplateError` naming the first placeholder that `resolve` cannot answer.
    public func render(_ resolve: (Reference) -> String?) throws(TemplateError) -> String {
        try fill(resolve, quote: ShellQuote.word)
    }

    /// The text with each placeholder replaced by its value as is (for environment values, which no
    /// shell parses).
    public func substitute(_ resolve: (Reference) -> String?) throws(TemplateError) -> String {
        try fill(resolve, quote: { $0 })
    }

    private func fill(_ resolve: (Reference) -> String?, quote: (String) -> String) throws(TemplateError) -> String {
        var out = ""
        for segment in segments {
            switch segment {
            case .literal(let literal):
                out += literal
            case .placeholder(let reference, _):
                guard let value = resolve(reference) else { throw TemplateError(placeholder: reference.description) }
                out += quote(value)
            case .invalid(let text, _):
                throw TemplateError(placeholder: text)
            }
        }
        return out
    }

    /// One pass over the text: each `{{` is found once and its `}}` searched once, and once no `}}`
    /// is left the rest is literal, so a value full of unclosed `{{` is still read in linear time.
    private static func parse(_ text: String) -> [Segment] {
        var segments: [Segment] = []
        var index = text.startIndex
        var offset = 0
        while index < text.endIndex {
            guard let open = firstPair(of: UInt8(ascii: "{"), in: text, from: index),
                let close = firstPair(of: UInt8(ascii: "}"), in: text, from: open.upperBound)
            else { break }
            if open.lowerBound > index {
                segments.append(.literal(String(text[index..<open.lowerBound])))
                offset += text.distance(from: index, to: open.lowerBound)
            }
            let inner = String(text[open.upperBound..<close.lowerBound])
            segments.append(classify(inner.trimmingWhitespace(), raw: String(text[open.lowerBound..<close.upperBound]), offset: offset))
            offset += text.distance(from: open.lowerBound, to: close.upperBound)
            index = close.upperBound
        }
        if index < text.endIndex { segments.append(.literal(String(text[index...]))) }
        return segments
    }

    /// The first `{{` or `}}` at or after `start`, found byte by byte (a generic substring search
    /// cost a tenth of validating a large playbook).
    private static func firstPair(of brace: UInt8, in text: String, from start: String.Index) -> Range<String.Index>? {
        let utf8 = text.utf8
        var index = start
        while index < utf8.endIndex {
            let next = utf8.index(after: index)
            if utf8[index] == brace, next < utf8.endIndex, utf8[next] == brace { return index..<utf8.index(after: next) }
            index = next
        }
        return nil
    }

    private static func classify(_ inner: String, raw: String, offset: Int) -> Segment {
        let parts = inner.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        let valid = parts.allSatisfy { !$0.isEmpty && $0.allSatisfy(isNameCharacter) }
        switch (parts.first, parts.count, valid) {
        case ("vars", 2, true): return .placeholder(.variable(parts[1]), offset: offset)
        case ("steps", 4, true):
            return .placeholder(.stepOutput(phase: parts[1], step: parts[2], key: parts[3]), offset: offset)
        default: return .invalid(raw, offset: offset)
        }
    }

    private static func isNameCharacter(_ c: Character) -> Bool {
        c.isLetter || c.isNumber || c == "_" || c == "-"
    }
}

public struct TemplateError: Error, Sendable, Hashable, CustomStringConvertible {
    public let placeholder: String

    public init(placeholder: String) { self.placeholder = placeholder }

    public var description: String { "no value for the placeholder {{ \(placeholder) }}" }
}

/// Quoting for POSIX shells.
public enum ShellQuote {
    /// `value` as exactly one shell word. Plain values (letters, digits, `_-./:=@%+,`) stay as they
    /// are so commands read naturally; anything else is single-quoted with embedded quotes escaped.
    public static func word(_ value: String) -> String {
        if !value.isEmpty, value.unicodeScalars.allSatisfy(isPlain) { return value }
        return "'" + value.replacing("'", with: #"'\''"#) + "'"
    }

    private static func isPlain(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar {
        case "a"..."z", "A"..."Z", "0"..."9", "_", "-", ".", "/", ":", "=", "@", "%", "+", ",": true
        default: false
        }
    }
}
