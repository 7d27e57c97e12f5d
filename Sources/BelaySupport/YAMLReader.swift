import Yams

/// Reads a YAML file against a schema while keeping every node's location, so each problem is
/// reported as `file:line:col` with the offending line, and all problems are found in one pass.
///
/// Getters never throw: a value of the wrong shape records a diagnostic and returns `nil`, and the
/// caller goes on checking the rest of the file.
public final class YAMLReader {
    public let file: String
    public let text: String
    /// The file's lines, split only when a diagnostic needs one (splitting a large file that has
    /// no problem cost a tenth of its validation).
    private lazy var lines: [Substring] = text.split(separator: "\n", omittingEmptySubsequences: false)
    public private(set) var diagnostics: [Diagnostic] = []

    public init(file: String, text: String) {
        self.file = file
        self.text = text
    }

    /// `true` when at least one error (not warning) has been recorded.
    public var hasErrors: Bool { diagnostics.contains { $0.severity == .error } }

    /// Parses the document. A syntax error becomes a located diagnostic and the result is `nil`.
    public func root() -> Node? {
        do {
            // The basic resolver gives every scalar the str tag without trying the default
            // resolver's regular expressions on it (the bulk of the time on a large file); the
            // getters below read nulls, booleans and numbers from the text themselves.
            guard let node = try Yams.compose(yaml: text, .basic) else {
                error("the file is empty", at: nil as Mark?, hint: nil)
                return nil
            }
            return node
        } catch let yamlError as YamlError {
            record(yamlError)
            return nil
        } catch {
            self.error("could not read YAML: \(error)", at: nil as Mark?, hint: nil)
            return nil
        }
    }

    // MARK: Reporting

    public func location(of mark: Mark?) -> SourceLocation {
        SourceLocation(file: file, line: mark?.line ?? 1, column: mark?.column ?? 1)
    }

    public func location(of node: Node?) -> SourceLocation { location(of: node?.mark) }

    public func error(_ message: String, at node: Node?, hint: String? = nil) {
        error(message, at: node?.mark, hint: hint)
    }

    public func error(_ message: String, at mark: Mark?, hint: String? = nil) {
        report(.error, message, at: mark, hint: hint)
    }

    public func warning(_ message: String, at node: Node?, hint: String? = nil) {
        report(.warning, message, at: node?.mark, hint: hint)
    }

    /// Adds a diagnostic built elsewhere (for example by a cross-reference check).
    public func report(_ severity: Diagnostic.Severity, _ message: String, at mark: Mark?, hint: String?) {
        report(severity, message, at: location(of: mark), hint: hint)
    }

    public func report(_ severity: Diagnostic.Severity, _ message: String, at location: SourceLocation, hint: String?) {
        diagnostics.append(
            Diagnostic(severity, at: location, message, hint: hint, sourceLine: sourceLine(location.line)))
    }

    public func sourceLine(_ line: Int) -> String? {
        guard line >= 1, line <= lines.count else { return nil }
        var text = String(lines[line - 1])
        if text.hasSuffix("\r") { text.removeLast() }
        return text
    }

    private func record(_ yamlError: YamlError) {
        switch yamlError {
        case let .scanner(context, problem, mark, _),
            let .parser(context, problem, mark, _),
            let .composer(context, problem, mark, _):
            var message = "YAML syntax error: \(problem)"
            if let context { message += " (\(context.text) at line \(context.mark.line))" }
            report(.error, message, at: endOfContent(location(of: mark)), hint: syntaxHint(problem))
        case let .duplicatedKeysInMapping(duplicates, context):
            error(
                "duplicate key '\(duplicates.joined(separator: "', '"))' in a mapping", at: context.mark,
                hint: "each key may appear only once; remove or rename the repeated one")
        case let .reader(problem, _, _, _):
            error("the file is not valid text: \(problem)", at: nil as Mark?, hint: nil)
        default:
            error("could not read YAML: \(yamlError)", at: nil as Mark?, hint: nil)
        }
    }

    /// A problem found at the end of the file (an unclosed quote or bracket) is shown just after the
    /// last character of the last non-blank line, where the user has to look, not on an empty line.
    private func endOfContent(_ location: SourceLocation) -> SourceLocation {
        guard (sourceLine(location.line) ?? "").allSatisfy(\.isWhitespace) else { return location }
        for line in stride(from: min(location.line, lines.count), through: 1, by: -1) {
            guard let text = sourceLine(line), !text.allSatisfy(\.isWhitespace) else { continue }
            return SourceLocation(file: file, line: line, column: text.unicodeScalars.count + 1)
        }
        return location
    }

    private func syntaxHint(_ problem: String) -> String? {
        if problem.contains("tab") { return "indent with spaces; YAML does not allow tabs" }
        if problem.contains("mapping values are not allowed") {
            return "quote a value that contains ': ', or check the indentation of the line above"
        }
        if problem.contains("block") || problem.contains("indentation") {
            return "check the indentation: items of one list or mapping must line up"
        }
        return nil
    }

    // MARK: Typed getters

    /// A mapping's fields after checking its keys: unknown keys (with a near-miss suggestion), missing
    /// required keys and non-string keys are reported.
    public func mapping(
        _ node: Node, _ what: String, allowed: [String], required: [String] = []
    ) -> Fields? {
        guard case .mapping(let mapping) = node else {
            error("\(what) must be a mapping of keys to values, found \(describe(node))", at: node)
            return nil
        }
        var fields = Fields(node: node)
        for (keyNode, valueNode) in mapping {
            guard case .scalar(let scalar) = keyNode else {
                error("keys of \(what) must be plain names", at: keyNode)
                continue
            }
            let key = scalar.string
            guard allowed.contains(key) else {
                let suggestion = Suggestion.closest(to: key, among: allowed)
                error(
                    "unknown key '\(key)' in \(what)", at: keyNode,
                    hint: suggestion.map { "did you mean '\($0)'?" }
                        ?? "allowed keys: \(allowed.joined(separator: ", "))")
                continue
            }
            fields.entries.append((key, keyNode, valueNode))
        }
        for key in required where fields[key] == nil {
            error("\(what) is missing the required key '\(key)'", at: node)
        }
        return fields
    }

    /// Any scalar as text (`1.4` is the string "1.4"); a mapping, list or null is an error.
    public func string(_ node: Node, _ what: String) -> String? {
        guard case .scalar(let scalar) = node, !isNull(node) else {
            error("\(what) must be a string, found \(describe(node))", at: node)
            return nil
        }
        return scalar.string
    }

    /// `true`/`false` (also `yes`/`no`, `on`/`off`), unquoted or tagged `!!bool`; a quoted
    /// `"true"` is a string, as YAML's default schema has it.
    public func bool(_ node: Node, _ what: String) -> Bool? {
        guard case .scalar(let scalar) = node, scalar.style == .plain || node.tag.rawValue == Tag.Name.bool.rawValue,
            let value = Bool.construct(from: Node.Scalar(scalar.string, Tag(.bool)))
        else {
            error("\(what) must be true or false, found \(describe(node))", at: node)
            return nil
        }
        return value
    }

    public func int(_ node: Node, _ what: String, minimum: Int? = nil) -> Int? {
        // Plain decimal first: Yams' reading builds a tag and a constructor for every number.
        guard case .scalar(let scalar) = node, let value = Int(scalar.string) ?? node.int else {
            error("\(what) must be a whole number, found \(describe(node))", at: node)
            return nil
        }
        if let minimum, value < minimum {
            error("\(what) must be at least \(minimum), found \(value)", at: node)
            return nil
        }
        return value
    }

    public func double(_ node: Node, _ what: String) -> Double? {
        guard case .scalar = node, let value = node.float ?? node.int.map(Double.init) else {
            error("\(what) must be a number, found \(describe(node))", at: node)
            return nil
        }
        return value
    }

    /// A duration such as `500ms`, `30s`, `5m`, `2h` or `1m30s`.
    public func duration(_ node: Node, _ what: String) -> Duration? {
        guard let text = string(node, what) else { return nil }
        guard let value = DurationFormat.parse(text) else {
            error(
                "\(what) '\(text)' is not a duration", at: node,
                hint: "write a number and a unit: 500ms, 30s, 5m, 2h (or combine them: 1m30s)")
            return nil
        }
        return value
    }

    public func sequence(_ node: Node, _ what: String) -> [Node]? {
        guard case .sequence(let sequence) = node else {
            error("\(what) must be a list, found \(describe(node))", at: node)
            return nil
        }
        return Array(sequence)
    }

    /// A list of strings; a single string is accepted as a one-element list.
    public func stringList(_ node: Node, _ what: String) -> [(String, Node)]? {
        if case .scalar = node, !isNull(node) { return [(node.string ?? "", node)] }
        guard let items = sequence(node, what) else { return nil }
        return items.compactMap { item in string(item, "each item of \(what)").map { ($0, item) } }
    }

    /// A mapping of names to scalar values, in file order.
    public func stringMap(_ node: Node, _ what: String) -> [(key: String, value: String, node: Node)]? {
        guard case .mapping(let mapping) = node else {
            error("\(what) must be a mapping of names to values, found \(describe(node))", at: node)
            return nil
        }
        var result: [(key: String, value: String, node: Node)] = []
        for (keyNode, valueNode) in mapping {
            guard let key = string(keyNode, "a key of \(what)"),
                let value = string(valueNode, "\(what).\(key)")
            else { continue }
            result.append((key, value, keyNode))
        }
        return result
    }

    public func isNull(_ node: Node) -> Bool {
        guard case .scalar(let scalar) = node else { return false }
        // Compares the tag's name: building a `Tag` to compare with made a resolver and a
        // constructor each time, a tenth of the cost of validating a large playbook.
        return node.tag.rawValue == Tag.Name.null.rawValue || (scalar.style == .plain && ["", "~", "null", "Null", "NULL"].contains(scalar.string))
    }

    /// "a list", "a mapping", "nothing", or the scalar quoted, for error messages.
    public func describe(_ node: Node) -> String {
        switch node {
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        case .alias: return "an alias"
        case .scalar(let scalar):
            if isNull(node) { return "nothing" }
            return "'\(scalar.string)'"
        }
    }
}

/// The checked keys of one YAML mapping, each with its key node (for locations) and value node.
public struct Fields {
    public let node: Node
    public fileprivate(set) var entries: [(key: String, keyNode: Node, value: Node)] = []

    public subscript(key: String) -> Node? { entries.first { $0.key == key }?.value }

    public func keyNode(_ key: String) -> Node? { entries.first { $0.key == key }?.keyNode }

    public func has(_ key: String) -> Bool { self[key] != nil }
}
