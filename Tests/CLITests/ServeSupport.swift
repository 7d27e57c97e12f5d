import Foundation
import Testing

/// `belay serve` over a fixture's workspace on a free loopback port, with a known token; stopped
/// when released. Requests go through curl, as a script would send them.
final class ServeFixture: @unchecked Sendable {
    let fixture: RunFixture
    let token = "token-\(UUID().uuidString)"
    let process: Process
    let log: URL
    private(set) var port = 0
    var base: String { "http://127.0.0.1:\(port)" }

    struct ServeFailed: Error, CustomStringConvertible { var description: String }

    /// `launcher` starts `belay` with the arguments it is given; by default, the build's own.
    init(
        _ fixture: RunFixture, extra: [String] = [],
        launcher: ((RunFixture, [String]) throws -> (process: Process, output: URL))? = nil
    ) throws {
        self.fixture = fixture
        let tokenFile = fixture.root.appendingPathComponent("serve-token")
        try "\(token)\n".write(to: tokenFile, atomically: true, encoding: .utf8)
        let arguments = ["serve", "--workspace", fixture.workspace.path, "--port", "0", "--token-file", tokenFile.path] + extra
        (process, log) = try launcher?(fixture, arguments) ?? fixture.startBelay(arguments)
        let prefix = "listening on http://127.0.0.1:"
        guard eventually(60, { self.output.contains(prefix) || !self.process.isRunning }),
              let range = output.range(of: prefix),
              let port = Int(output[range.upperBound...].prefix { $0.isNumber })
        else {
            process.terminate()
            throw ServeFailed(description: "belay serve did not start (is belay-serve built beside belay?): \(output)")
        }
        self.port = port
    }

    deinit { stop() }

    var output: String { (try? String(contentsOf: log, encoding: .utf8)) ?? "" }

    func stop() {
        guard process.isRunning else { return }
        process.terminate()
        process.waitUntilExit()
    }

    struct Answer {
        var status: Int
        var body: String
        var json: Any? { try? JSONSerialization.jsonObject(with: Data(body.utf8)) }
        var object: [String: Any] { json as? [String: Any] ?? [:] }
        var error: String { object["error"] as? String ?? "" }
    }

    /// One request; `token` nil sends none.
    /// `maxTime` bounds a request that stays open (an event stream): its status still counts.
    func request(_ method: String, _ path: String, body: String? = nil, token: String? = nil, maxTime: Int = 60) throws -> Answer {
        let out = fixture.root.appendingPathComponent("answer-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: out) }
        var arguments = ["-s", "-o", out.path, "-w", "%{http_code}", "-X", method, "--max-time", "\(maxTime)"]
        if let token { arguments += ["-H", "Authorization: Bearer \(token)"] }
        if let body {
            let file = fixture.root.appendingPathComponent("body-\(UUID().uuidString)")
            try body.write(to: file, atomically: true, encoding: .utf8)
            arguments += ["-H", "Content-Type: application/json", "--data-binary", "@\(file.path)"]
        }
        let result = try Tool.run(URL(fileURLWithPath: "/usr/bin/env"), ["curl"] + arguments + [base + path], in: fixture.root)
        return Answer(status: Int(result.stdout) ?? 0, body: (try? String(contentsOf: out, encoding: .utf8)) ?? "")
    }

    func get(_ path: String) throws -> Answer { try request("GET", path) }

    /// A POST with the server's token.
    func post(_ path: String, _ body: String = "{}") throws -> Answer { try request("POST", path, body: body, token: token) }

    /// `curl -N` on an event stream in the background, written to the returned file.
    func follow(_ path: String) throws -> URL {
        let file = fixture.root.appendingPathComponent("stream-\(UUID().uuidString)")
        try Tool.shell("curl -sN --max-time 120 \(shellQuoted(base + path)) > \(shellQuoted(file.path)) 2>&1 &", in: fixture.root)
        return file
    }

    /// The run's `status` as the API gives it.
    func status(_ run: String = "r1") -> String? { (try? get("/api/runs/\(run)"))?.object["status"] as? String }
}

/// The `data:` lines of an event stream, parsed.
func streamedEvents(_ file: URL) -> [[String: Any]] {
    let text = (try? String(contentsOf: file, encoding: .utf8)) ?? ""
    return text.split(separator: "\n").filter { $0.hasPrefix("data: {\"seq\"") }.compactMap {
        try? JSONSerialization.jsonObject(with: Data($0.dropFirst(6).utf8)) as? [String: Any]
    }
}
