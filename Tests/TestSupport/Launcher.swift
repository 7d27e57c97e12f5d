import Foundation

/// What a process printed and how it ended.
public struct ToolResult: Sendable {
    public var status: Int32
    public var stdout: String
    public var stderr: String
    /// The process id it had (gone by now: a pid nobody holds, for stale-lock tests).
    public var pid: Int32
    public var output: String { stdout + stderr }

    public init(status: Int32, stdout: String, stderr: String, pid: Int32) {
        self.status = status
        self.stdout = stdout
        self.stderr = stderr
        self.pid = pid
    }
}

/// The one place the tests start a process, whichever module they test: no colour (`NO_COLOR`),
/// standard input never a terminal (approval steps never wait for a person), the given
/// environment on top of the test runner's.
public enum Launcher {
    /// Starts `executable` with `arguments` in `directory` and returns at once (for tests that signal
    /// it or watch it work).
    public static func start(
        _ executable: URL, _ arguments: [String], in directory: URL, environment: [String: String] = [:],
        stdout: FileHandle, stderr: FileHandle
    ) throws -> Process {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.currentDirectoryURL = directory
        var env = ProcessInfo.processInfo.environment
        env["NO_COLOR"] = "1"
        for (key, value) in environment { env[key] = value }
        process.environment = env
        process.standardOutput = stdout
        process.standardError = stderr
        process.standardInput = FileHandle.nullDevice
        try process.run()
        return process
    }

    /// Runs `executable` with `arguments` in `directory` to its end; output goes through files, so no
    /// pipe fills up and a background process that keeps a descriptor open cannot hang the test.
    @discardableResult
    public static func run(
        _ executable: URL, _ arguments: [String], in directory: URL, environment: [String: String] = [:]
    ) throws -> ToolResult {
        let capture = FileManager.default.temporaryDirectory.appendingPathComponent("belay-capture-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: capture, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: capture) }
        let out = capture.appendingPathComponent("stdout"), err = capture.appendingPathComponent("stderr")
        _ = FileManager.default.createFile(atPath: out.path, contents: nil)
        _ = FileManager.default.createFile(atPath: err.path, contents: nil)
        let outHandle = try FileHandle(forWritingTo: out), errHandle = try FileHandle(forWritingTo: err)
        let process = try start(
            executable, arguments, in: directory, environment: environment, stdout: outHandle, stderr: errHandle)
        process.waitUntilExit()
        try outHandle.close()
        try errHandle.close()
        return ToolResult(
            status: process.terminationStatus,
            stdout: try String(contentsOf: out, encoding: .utf8), stderr: try String(contentsOf: err, encoding: .utf8),
            pid: process.processIdentifier)
    }

    /// `bash -c <script>` in `directory` (for sqlite3, curl and friends), as a clean child: default
    /// signal handling (Foundation's `Process` passes on the test runner's blocked signals, so a
    /// server the script starts would ignore SIGTERM) and no inherited descriptors beyond 0-2
    /// (`Process` notices the end of a child when a socket it inherited closes, so a server left
    /// running would otherwise hold this call until it stops; the wait itself stays exact).
    @discardableResult
    public static func shell(_ script: String, in directory: URL, environment: [String: String] = [:]) throws -> ToolResult {
        try run(URL(fileURLWithPath: "/usr/bin/env"), ["python3", "-c", defaultSignalsThenBash, script], in: directory, environment: environment)
    }

    private static let defaultSignalsThenBash = """
        import os, signal, sys
        signal.pthread_sigmask(signal.SIG_SETMASK, [])
        for number in (signal.SIGINT, signal.SIGQUIT, signal.SIGPIPE, signal.SIGTERM):
            signal.signal(number, signal.SIG_DFL)
        os.closerange(3, os.sysconf("SC_OPEN_MAX"))
        os.execvp("bash", ["bash", "-c", sys.argv[1]])
        """

    /// Live processes (zombies excluded) whose command line mentions `folder` or whose working
    /// directory is inside it, as "pid: command line" (read from /proc; this process excluded).
    public static func processes(inside folder: URL) -> [String] {
        let own = ProcessInfo.processInfo.processIdentifier
        let path = folder.standardizedFileURL.resolvingSymlinksInPath().path
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap { entry -> String? in
            guard let pid = Int32(entry), pid != own,
                  let data = FileManager.default.contents(atPath: "/proc/\(entry)/cmdline"), !data.isEmpty
            else { return nil }   // zombies and kernel threads have no command line
            let command = String(decoding: data.map { $0 == 0 ? 0x20 : $0 }, as: UTF8.self)
            let cwd = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(entry)/cwd")) ?? ""
            let inside = command.contains(path) || cwd == path || cwd.hasPrefix(path + "/")
            return inside ? "\(pid): \(command) (in \(cwd))" : nil
        }
    }
}
