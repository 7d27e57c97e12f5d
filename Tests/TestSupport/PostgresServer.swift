import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// A private PostgreSQL cluster for end-to-end tests, in a temporary folder of its own: `initdb` with
/// trust authentication (local socket and loopback only), a server on a free 127.0.0.1 port with its
/// unix socket inside the folder, and a `stop()` that ends it (`pg_ctl stop -m immediate`, then SIGKILL
/// for anything left) and deletes the folder.
///
/// Two ways to use it:
/// - `@Suite(.postgres)`: one cluster for the whole suite, started before its first test and stopped
///   after its last one, also when tests fail; tests read it with `try PostgresServer.suite()`. Tests
///   run in parallel, so each takes a database of its own (`createDatabase()`): advisory locks, tables
///   and `schema_migrations` are per database, so parallel tests never see each other.
/// - `try PostgresServer.with { server in … }`: a cluster for one test, stopped when the closure ends,
///   however it ends. Slower (an `initdb` each), for tests about the server's own lifecycle.
///
/// PostgreSQL refuses to run as root: as root the cluster belongs to the `postgres` user (the folder is
/// given to it and `initdb`/`pg_ctl` run through `runuser`); otherwise it runs as the current user.
/// When PostgreSQL is not installed, `start()` fails and says so: `make deps` installs it.
public final class PostgresServer: @unchecked Sendable {
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
        public init(description: String) { self.description = description }
    }

    /// The temporary folder: `data/`, `server.log` and the unix socket.
    public let root: URL
    /// The folder of `initdb`, `pg_ctl`, `psql` and `pg_dump`.
    public let bin: URL
    public let host = "127.0.0.1"
    public let port: Int
    public let user = "postgres"
    /// The postmaster's process id, from `data/postmaster.pid`.
    public let postmasterPID: Int32

    private let lock = NSLock()
    private var stopped = false

    /// The cluster of the enclosing `@Suite(.postgres)`.
    @TaskLocal public static var current: PostgresServer?

    public static func suite() throws -> PostgresServer {
        guard let server = current else { throw Failure(description: "no PostgreSQL server here: mark the suite @Suite(.postgres)") }
        return server
    }

    public var url: String { url(database: "postgres") }
    public func url(database: String) -> String { "postgresql://\(user)@\(host):\(port)/\(database)" }

    /// libpq's variables for `database`, for commands that connect without arguments.
    public func environment(database: String = "postgres") -> [String: String] {
        ["PGHOST": host, "PGPORT": "\(port)", "PGUSER": user, "PGDATABASE": database]
    }

    // MARK: - Starting and stopping

    /// A cluster for the duration of `body`, stopped however `body` ends.
    public static func with<T>(_ body: (PostgresServer) throws -> T) throws -> T {
        let server = try start()
        defer { server.stop() }
        return try body(server)
    }

    public static func start() throws -> PostgresServer {
        let bin = try binDirectory()
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("belay-pg-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        var started = false
        defer {
            if !started {   // leave nothing behind when starting failed half-way
                _ = try? asOwner("\(bin.path)/pg_ctl -D \(quoted(root.path + "/data")) -m immediate -w stop", root: root)
                try? FileManager.default.removeItem(at: root)
            }
        }
        if isRoot {
            try FileManager.default.setAttributes([.ownerAccountName: "postgres", .posixPermissions: 0o700], ofItemAtPath: root.path)
        }
        let data = root.path + "/data"
        let initdb = try asOwner(
            "\(quoted(bin.path + "/initdb")) -D \(quoted(data)) -U postgres -A trust -E UTF8 --locale=C --no-sync", root: root)
        guard initdb.status == 0 else { throw Failure(description: "initdb failed:\n\(initdb.output)") }

        // A port found free may be taken before the server binds it: then try another one.
        var lastLog = ""
        for _ in 1...5 {
            let port = try freePort()
            let options = "-c listen_addresses=127.0.0.1 -p \(port) -k \(quoted(root.path)) -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
            let log = root.path + "/server.log"
            let result = try asOwner(
                "\(quoted(bin.path + "/pg_ctl")) -D \(quoted(data)) -l \(quoted(log)) -w -t 60 -o \(quoted(options)) start", root: root)
            if result.status == 0 {
                let pidFile = (try? String(contentsOfFile: data + "/postmaster.pid", encoding: .utf8)) ?? ""
                guard let pid = pidFile.split(separator: "\n").first.flatMap({ Int32($0) }) else {
                    throw Failure(description: "the server started but wrote no postmaster.pid:\n\(result.output)")
                }
                started = true
                let server = PostgresServer(root: root, bin: bin, port: port, pid: pid)
                do {
                    _ = try server.psql("SELECT 1")
                } catch {
                    server.stop()
                    throw error
                }
                return server
            }
            lastLog = (try? String(contentsOfFile: log, encoding: .utf8)) ?? result.output
            guard lastLog.contains("could not bind") || lastLog.contains("already in use") else { break }
        }
        throw Failure(description: "PostgreSQL did not start:\n\(lastLog)")
    }

    private init(root: URL, bin: URL, port: Int, pid: Int32) {
        self.root = root
        self.bin = bin
        self.port = port
        self.postmasterPID = pid
    }

    /// Stops the server and deletes its folder; a second call does nothing. Returns the cluster's
    /// processes that were still alive afterwards (none, unless even SIGKILL failed).
    @discardableResult
    public func stop() -> [String] {
        lock.lock()
        defer { lock.unlock() }
        guard !stopped else { return [] }
        stopped = true
        _ = try? Self.asOwner(
            "\(Self.quoted(bin.path + "/pg_ctl")) -D \(Self.quoted(root.path + "/data")) -m immediate -w -t 30 stop", root: root)
        var left = leftovers()
        if !left.isEmpty {
            for line in left { if let pid = Int32(line.prefix { $0 != ":" }) { kill(pid, SIGKILL) } }
            if Self.isAlive(postmasterPID) { kill(postmasterPID, SIGKILL) }
            for _ in 0..<50 where !leftovers().isEmpty { usleep(100_000) }
            left = leftovers()
        }
        try? FileManager.default.removeItem(at: root)
        return left
    }

    /// Whether the postmaster still runs.
    public var isRunning: Bool { Self.isAlive(postmasterPID) }

    /// Live processes of this cluster: the postmaster, and whatever runs in or names its folder.
    public func leftovers() -> [String] {
        var found = Launcher.processes(inside: root)
        if Self.isAlive(postmasterPID) && !found.contains(where: { $0.hasPrefix("\(postmasterPID):") }) {
            found.append("\(postmasterPID): postmaster")
        }
        return found
    }

    // MARK: - Talking to it

    /// Runs `sql` (one statement or several) with psql in `database`, stopping at the first error; returns
    /// the rows unaligned, without headers, `|` between columns. Throws with psql's message on an error.
    @discardableResult
    public func psql(_ sql: String, database: String = "postgres") throws -> String {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("belay-pg-\(UUID().uuidString).sql")
        try sql.write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        let result = try Launcher.run(
            bin.appendingPathComponent("psql"),
            ["-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-h", host, "-p", "\(port)", "-U", user, "-d", database, "-f", file.path],
            in: FileManager.default.temporaryDirectory)
        guard result.status == 0 else { throw Failure(description: "psql failed (\(result.status)) on:\n\(sql)\n\(result.output)") }
        return result.stdout.trimmingCharacters(in: .newlines)
    }

    /// A new, empty database with a unique name, which is returned.
    public func createDatabase() throws -> String {
        let name = "test_" + UUID().uuidString.prefix(12).lowercased().replacingOccurrences(of: "-", with: "")
        try psql("CREATE DATABASE \(name)")
        return name
    }

    /// `pg_dump --schema-only` of `database`, without owners and privileges and without the `\restrict`
    /// lines (their key is random), so that equal schemas give equal text.
    public func schema(database: String) throws -> String {
        let result = try Launcher.run(
            bin.appendingPathComponent("pg_dump"),
            ["--schema-only", "--no-owner", "--no-privileges", "-h", host, "-p", "\(port)", "-U", user, database],
            in: FileManager.default.temporaryDirectory)
        guard result.status == 0 else { throw Failure(description: "pg_dump failed: \(result.output)") }
        return result.stdout.split(separator: "\n", omittingEmptySubsequences: false)
            .filter { !$0.hasPrefix("\\restrict ") && !$0.hasPrefix("\\unrestrict ") }
            .joined(separator: "\n")
    }

    // MARK: - Support

    private static var isRoot: Bool { geteuid() == 0 }

    /// Runs `command` as the cluster's owner: `postgres` when this process is root, else this user.
    private static func asOwner(_ command: String, root: URL) throws -> ToolResult {
        try Launcher.shell(isRoot ? "runuser -u postgres -- \(command)" : command, in: FileManager.default.temporaryDirectory)
    }

    /// Where `initdb` is: Debian's /usr/lib/postgresql/<major>/bin (newest major), `pg_config --bindir`,
    /// or the PATH.
    public static func binDirectory() throws -> URL {
        let fm = FileManager.default
        let majors = ((try? fm.contentsOfDirectory(atPath: "/usr/lib/postgresql")) ?? []).compactMap { Int($0) }.sorted(by: >)
        var candidates = majors.map { "/usr/lib/postgresql/\($0)/bin" }
        if let found = try? Launcher.shell("pg_config --bindir 2>/dev/null; dirname \"$(command -v initdb)\" 2>/dev/null", in: fm.temporaryDirectory) {
            candidates += found.stdout.split(separator: "\n").map(String.init)
        }
        for folder in candidates where fm.isExecutableFile(atPath: folder + "/initdb") && fm.isExecutableFile(atPath: folder + "/pg_ctl") {
            return URL(fileURLWithPath: folder)
        }
        throw Failure(description: """
            PostgreSQL is not installed: no initdb under /usr/lib/postgresql/*/bin, from pg_config or on the PATH. \
            `make deps` installs it (Debian's postgresql package).
            """)
    }

    /// A TCP port on 127.0.0.1 that nothing listens on right now (the kernel's pick for port 0).
    public static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw Failure(description: "socket: \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(fd, pointer, length) == 0 && getsockname(fd, pointer, &length) == 0
            }
        }
        guard bound else { throw Failure(description: "bind to 127.0.0.1:0: \(String(cString: strerror(errno)))") }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// Whether `pid` is a live process (a zombie, which no one may reap here, counts as gone).
    public static func isAlive(_ pid: Int32) -> Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")")
        else { return false }
        let state = stat[stat.index(after: close)...].trimmingCharacters(in: .whitespaces).first
        return state != "Z" && state != "X"
    }

    public static func quoted(_ text: String) -> String { "'" + text.replacingOccurrences(of: "'", with: #"'\''"#) + "'" }
}

/// `@Suite(.postgres)`: the suite's tests share one private PostgreSQL cluster (`PostgresServer.suite()`),
/// started before the first test and stopped after the last, whatever the tests did. The suite fails
/// if a process of the cluster is still alive after the stop.
public struct PostgresSuiteTrait: SuiteTrait, TestScoping {
    public var isRecursive: Bool { false }

    public func provideScope(
        for test: Test, testCase: Test.Case?, performing function: @Sendable () async throws -> Void
    ) async throws {
        if PostgresServer.current != nil { return try await function() }
        let server = try PostgresServer.start()
        do {
            try await PostgresServer.$current.withValue(server) { try await function() }
        } catch {
            server.stop()
            throw error
        }
        let left = server.stop()
        if !left.isEmpty {
            throw PostgresServer.Failure(description: "PostgreSQL processes still alive after the stop:\n" + left.joined(separator: "\n"))
        }
    }
}

extension Trait where Self == PostgresSuiteTrait {
    public static var postgres: Self { PostgresSuiteTrait() }
}
