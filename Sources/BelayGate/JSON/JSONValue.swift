/// A small JSON tree: one SARIF result or a tool's rules, never a whole scan.
indirect enum JSONValue: Sendable {
    /// Members in document order; keys are unique (the tokenizer refuses duplicates). A list, not a
    /// dictionary: the objects read here are small, and hashing every key of a million results
    /// cost more than the few lookups made on each.
    case object([JSONMember])
    case array([JSONValue])
    case string(String)
    case number(Double)
    case bool(Bool)
    case null

    subscript(key: String) -> JSONValue? {
        if case .object(let members) = self { return members.first { $0.key == key }?.value }
        return nil
    }

    var array: [JSONValue]? { if case .array(let items) = self { items } else { nil } }
    var string: String? { if case .string(let text) = self { text } else { nil } }
    var bool: Bool? { if case .bool(let flag) = self { flag } else { nil } }
    /// A number (never a boolean).
    var number: Double? { if case .number(let value) = self { value } else { nil } }

    /// A whole number that fits an `Int`.
    var int: Int? {
        guard let value = number, value == value.rounded(), abs(value) < 1e15 else { return nil }
        return Int(value)
    }

    /// What kind of JSON value this is, for messages.
    var kindName: String {
        switch self {
        case .object: "an object"
        case .array: "an array"
        case .string: "a string"
        case .number: "a number"
        case .bool: "a boolean"
        case .null: "null"
        }
    }
}

/// One member of a JSON object.
struct JSONMember: Sendable {
    let key: String
    let value: JSONValue
}

extension JSONTokenizer {
    /// Builds the value whose first token is `first`, without recursion (depth is bounded by the
    /// tokenizer anyway), refusing one that spans more than `maxBytes` of input.
    /// `what` names the value in an error; it is built only when one is thrown.
    mutating func value(from first: JSONToken, maxBytes: Int, what: @autoclosure () -> String) throws -> JSONValue {
        enum Frame {
            case object([JSONMember], key: String?)
            case array([JSONValue])
        }
        let start = tokenOffset
        var frames: [Frame] = []
        var token = first
        while true {
            var finished: JSONValue?
            switch token {
            case .beginObject: frames.append(.object([], key: nil))
            case .beginArray: frames.append(.array([]))
            case .key(let key):
                if case .object(let fields, _) = frames.removeLast() { frames.append(.object(fields, key: key)) }
            case .endObject:
                if case .object(let fields, _) = frames.removeLast() { finished = .object(fields) }
            case .endArray:
                if case .array(let items) = frames.removeLast() { finished = .array(items) }
            case .string(let text): finished = .string(text)
            case .number(let value): finished = .number(value)
            case .bool(let flag): finished = .bool(flag)
            case .null: finished = .null
            case .end: throw JSONError(.malformed, "unexpected end of file", offset: tokenOffset)
            }
            if let value = finished {
                guard let parent = frames.popLast() else { return value }
                switch parent {
                case .object(var members, let key):
                    if let key { members.append(JSONMember(key: key, value: value)) }
                    frames.append(.object(members, key: nil))
                case .array(var items):
                    items.append(value)
                    frames.append(.array(items))
                }
            }
            if offset - start > maxBytes {
                throw JSONError(.limitExceeded, "\(what()) is larger than \(maxBytes >> 20) MiB", offset: start)
            }
            token = try next()
        }
    }
}
