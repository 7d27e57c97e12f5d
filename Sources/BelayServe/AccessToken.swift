import Foundation
import Hummingbird

/// The bearer token every mutating request must carry.
struct AccessToken: Sendable {
    let value: String

    /// 32 random bytes as hex, from the system's cryptographic generator.
    static func generate() -> AccessToken {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }
        return AccessToken(value: bytes.map { String(format: "%02x", $0) }.joined())
    }

    /// The first line of `path`, trimmed; nil when the file is missing, unreadable or empty.
    static func read(_ path: String) -> AccessToken? {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return nil }
        let line = text.split(whereSeparator: \.isNewline).first.map(String.init)?.trimmingCharacters(in: .whitespaces) ?? ""
        return line.isEmpty ? nil : AccessToken(value: line)
    }

    /// Whether `request` carries `Authorization: Bearer <token>`, compared in constant time: every
    /// byte is looked at whatever the first difference, so the time says nothing about the token.
    func admits(_ request: Request) -> Bool {
        guard let header = request.headers[.authorization], header.hasPrefix("Bearer ") else { return false }
        return Self.same(Array(header.dropFirst("Bearer ".count).utf8), Array(value.utf8))
    }

    static func same(_ given: [UInt8], _ expected: [UInt8]) -> Bool {
        var difference = UInt8(given.count == expected.count ? 0 : 1)
        for index in expected.indices {
            difference |= expected[index] ^ (index < given.count ? given[index] : 0)
        }
        return difference == 0
    }

    /// Refuses a request without the token (401).
    func require(_ request: Request) throws(APIError) {
        guard admits(request) else {
            throw .unauthorized("this request changes a run: send the token `belay serve` printed at start (or the one in --token-file) as `Authorization: Bearer <token>`")
        }
    }
}
