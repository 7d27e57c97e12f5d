import Belay
import Foundation
import PostgresNIO

/// A store URL, `postgres://user[:password]@host[:port]/database[?lease=30s]`, read once.
public struct StoreAddress: Sendable, Hashable, CustomStringConvertible {
    public var host: String
    public var port: Int
    public var user: String
    var password: String?
    public var database: String
    /// How long a lock stays ours without a renewal.
    public var lease: Duration

    /// The URL without its password, for messages and the journal.
    public var description: String { "postgres://\(user)@\(host):\(port)/\(database)" }

    /// Whether `text` names a PostgreSQL store (as opposed to a typo or another scheme).
    public static func isPostgres(_ text: String) -> Bool {
        text.hasPrefix("postgres://") || text.hasPrefix("postgresql://")
    }

    /// Reads a store URL.
    /// - Throws: `.storeUnreachable` saying which part is wrong.
    public init(_ text: String) throws(EngineError) {
        func bad(_ why: String) -> EngineError {
            EngineError(.store, .storeUnreachable(store: text.replacingOccurrences(of: #":[^:@/]*@"#, with: "@", options: .regularExpression), reason: why))
        }
        guard StoreAddress.isPostgres(text), let parts = URLComponents(string: text) else {
            throw bad("not a store URL; expected postgres://user@host:port/database")
        }
        guard let host = parts.host, !host.isEmpty else { throw bad("the URL names no host") }
        self.host = host
        self.port = parts.port ?? 5432
        self.user = parts.user ?? ProcessInfo.processInfo.environment["USER"] ?? "postgres"
        self.password = parts.password
        let path = parts.path.hasPrefix("/") ? String(parts.path.dropFirst()) : parts.path
        self.database = path.isEmpty ? user : path
        self.lease = .seconds(30)
        for item in parts.queryItems ?? [] {
            guard item.name == "lease" else { throw bad("unknown URL parameter '\(item.name)' (known: lease)") }
            guard let value = item.value, let seconds = StoreAddress.seconds(value), seconds >= 1 else {
                throw bad("lease=\(item.value ?? "") is not a duration of at least 1s, like 30s or 2m")
            }
            self.lease = .seconds(seconds)
        }
    }

    /// `30`, `30s`, `2m`, `1h` in seconds.
    static func seconds(_ text: String) -> Int? {
        let units: [Character: Int] = ["s": 1, "m": 60, "h": 3600]
        if let last = text.last, let unit = units[last] { return Int(text.dropLast()).map { $0 * unit } }
        return Int(text)
    }

    var configuration: PostgresConnection.Configuration {
        var configuration = PostgresConnection.Configuration(
            host: host, port: port, username: user, password: password, database: database, tls: .disable)
        configuration.options.connectTimeout = .seconds(5)
        return configuration
    }
}
