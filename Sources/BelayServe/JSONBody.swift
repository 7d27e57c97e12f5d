import Foundation
import Hummingbird

/// A request's JSON object body, read with checks that say which field is wrong and what it takes.
struct JSONBody: Sendable {
    private let fields: [String: JSONValue]

    static func read(_ request: Request, context: some RequestContext) async throws(APIError) -> JSONBody {
        var request = request
        let buffer: ByteBuffer
        do { buffer = try await request.collectBody(upTo: 1 << 20) } catch {
            throw .badRequest("the body could not be read (at most 1 MiB of JSON): \(error)")
        }
        let data = Data(buffer.readableBytesView)
        if data.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) { return JSONBody(fields: [:]) }
        guard let value = try? JSONDecoder().decode(JSONValue.self, from: data) else {
            throw .badRequest("the body is not JSON: send a JSON object, for example {\"by\": \"ana\"}")
        }
        guard case .object(let fields) = value else { throw .badRequest("the body must be a JSON object ({...})") }
        return JSONBody(fields: fields)
    }

    func string(_ name: String) throws(APIError) -> String? {
        switch fields[name] {
        case nil, .null: return nil
        case .string(let text): return text
        default: throw .badRequest("\"\(name)\" must be a string")
        }
    }

    func required(_ name: String, _ what: String) throws(APIError) -> String {
        guard let text = try string(name), !text.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw .badRequest("\"\(name)\" is required: \(what)")
        }
        return text
    }

    func bool(_ name: String) throws(APIError) -> Bool? {
        switch fields[name] {
        case nil, .null: return nil
        case .bool(let flag): return flag
        default: throw .badRequest("\"\(name)\" must be true or false")
        }
    }

    /// An object of strings (`"vars": {"version": "1.4.3"}`); numbers and booleans are taken as their text.
    func strings(_ name: String) throws(APIError) -> [String: String] {
        let object: [String: JSONValue]
        switch fields[name] {
        case nil, .null: return [:]
        case .object(let found): object = found
        default: throw .badRequest("\"\(name)\" must be an object of names to values, for example {\"version\": \"1.4.3\"}")
        }
        var result: [String: String] = [:]
        for (key, item) in object {
            switch item {
            case .string(let text): result[key] = text
            case .bool(let flag): result[key] = flag ? "true" : "false"
            case .number(let number):
                result[key] = number == number.rounded() && abs(number) < 1e15 ? String(Int64(number)) : "\(number)"
            default: throw .badRequest("\"\(name).\(key)\" must be a string")
            }
        }
        return result
    }

    /// Refuses fields the route does not take (a typo would otherwise be ignored silently).
    func only(_ names: Set<String>) throws(APIError) {
        let unknown = fields.keys.filter { !names.contains($0) }.sorted()
        guard unknown.isEmpty else {
            throw .badRequest("unknown field(s) \(unknown.map { "\"\($0)\"" }.joined(separator: ", ")); this request takes \(names.sorted().joined(separator: ", "))")
        }
    }
}

/// A JSON value as decoded, keeping booleans apart from numbers.
private enum JSONValue: Decodable, Sendable {
    case string(String), number(Double), bool(Bool), null, array([JSONValue]), object([String: JSONValue])

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() { self = .null }
        else if let flag = try? container.decode(Bool.self) { self = .bool(flag) }
        else if let number = try? container.decode(Double.self) { self = .number(number) }
        else if let text = try? container.decode(String.self) { self = .string(text) }
        else if let array = try? container.decode([JSONValue].self) { self = .array(array) }
        else { self = .object(try container.decode([String: JSONValue].self)) }
    }
}
