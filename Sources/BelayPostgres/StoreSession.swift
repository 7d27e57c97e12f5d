import Belay
import Foundation
import Logging
import NIOCore
import NIOPosix
import PostgresNIO

/// One connection to the store, used by one thread at a time.
///
/// The engine's journal and lock seams are synchronous, so every query here blocks its caller until
/// the server answers. The connection's I/O runs on an event loop of its own, never on the caller's
/// thread, so a blocked caller (even one of the concurrency pool's) cannot stall the answer it waits
/// for. A connection that fails is dropped and made again on the next query.
final class StoreSession: @unchecked Sendable {
    let address: StoreAddress
    private let lock = NSLock()
    private var connection: PostgresConnection?
    private let logger = Logger(label: "belay.store", factory: { _ in SwiftLogNoOpLogHandler() })

    /// The event loop of every store connection of the process.
    private static let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)

    init(address: StoreAddress) { self.address = address }

    /// A connection must be closed before it goes away.
    deinit { _ = try? connection?.close().wait() }

    /// Runs `body` alone on the connection (connecting first when needed).
    func exclusive<T>(_ body: (Queries) throws(EngineError) -> T) throws(EngineError) -> T {
        lock.lock()
        defer { lock.unlock() }
        let connection = try connected()
        do { return try body(Queries(connection: connection, session: self)) } catch {
            if connection.isClosed { self.connection = nil }
            throw error
        }
    }

    /// Runs `body` in one transaction: committed when it returns, rolled back when it throws.
    func transaction<T>(_ body: (Queries) throws(EngineError) -> T) throws(EngineError) -> T {
        try exclusive { queries throws(EngineError) in
            try queries.run("BEGIN")
            do {
                let result = try body(queries)
                try queries.run("COMMIT")
                return result
            } catch {
                _ = try? queries.run("ROLLBACK")
                throw StoreSession.engineError(error)
            }
        }
    }

    /// Runs one statement on its own.
    @discardableResult
    func query(_ query: PostgresQuery) throws(EngineError) -> [PostgresRow] {
        try exclusive { queries throws(EngineError) in try queries.rows(query) }
    }

    func close() {
        lock.lock()
        defer { lock.unlock() }
        _ = try? connection?.close().wait()
        connection = nil
    }

    private func connected() throws(EngineError) -> PostgresConnection {
        if let connection, !connection.isClosed { return connection }
        do {
            let made = try PostgresConnection.connect(
                on: StoreSession.group.next(), configuration: address.configuration, id: 1, logger: logger
            ).wait()
            connection = made
            return made
        } catch {
            connection = nil
            throw failure(error)
        }
    }

    /// An error met inside a typed body, as the `EngineError` it is.
    static func engineError(_ error: any Error) -> EngineError {
        error as? EngineError ?? EngineError(.store, .storeUnreachable(store: "", reason: "\(error)"))
    }

    /// What a failed connection or statement means: the server's own error (with its SQLSTATE) when
    /// it sent one about the statement or the login, else the store cannot be reached. A server that
    /// ends the connection (shutdown, a terminated backend) or turns it away for now (starting up,
    /// too many clients) counts as unreachable: trying again later can work.
    func failure(_ error: any Error, connection: PostgresConnection? = nil) -> EngineError {
        if let psql = error as? PSQLError, psql.code == .server, let message = psql.serverInfo?[.message] {
            let sqlState = psql.serverInfo?[.sqlState]
            let transient = sqlState.map { $0.hasPrefix("08") || $0.hasPrefix("57P") || $0 == "53300" } ?? false
            if !transient && connection?.isClosed != true {
                return EngineError(.store, .storeError(store: address.description, message: message, sqlState: sqlState))
            }
        }
        return EngineError(.store, .storeUnreachable(store: address.description, reason: StoreSession.reason(error)))
    }

    /// An inconsistency Belay found in its own tables.
    func inconsistent(_ what: String) -> EngineError {
        EngineError(.store, .storeError(store: address.description, message: what, sqlState: nil))
    }

    /// What went wrong, in words: the server's message when it sent one.
    static func reason(_ error: any Error) -> String {
        if let psql = error as? PSQLError {
            if let message = psql.serverInfo?[.message] { return message }
            if let underlying = psql.underlying { return "\(underlying)" }
            return "\(psql.code)"
        }
        return "\(error)"
    }

    /// Statements on a connection this thread holds.
    struct Queries {
        let connection: PostgresConnection
        let session: StoreSession

        @discardableResult
        func rows(_ query: PostgresQuery) throws(EngineError) -> [PostgresRow] {
            do { return try connection.query(query, logger: session.logger).wait().rows } catch {
                throw session.failure(error, connection: connection)
            }
        }

        func run(_ sql: String) throws(EngineError) {
            try rows(PostgresQuery(unsafeSQL: sql))
        }
    }
}
