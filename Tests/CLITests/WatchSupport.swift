import Foundation
import Testing

extension RunFixture {
    /// Starts `belay <arguments>` in the background (stdout and stderr to one file under the root),
    /// for tests that watch a run while it goes.
    func startBelay(_ arguments: [String], environment: [String: String] = [:]) throws -> (process: Process, output: URL) {
        try start(belayBinary, arguments, environment: environment.merging(["TRACE": trace.path]) { given, _ in given })
    }

    /// Starts `executable <arguments>` in the background, as `startBelay` does.
    func start(_ executable: URL, _ arguments: [String], environment: [String: String] = [:]) throws -> (process: Process, output: URL) {
        let out = root.appendingPathComponent("live-\(UUID().uuidString)")
        _ = FileManager.default.createFile(atPath: out.path, contents: nil)
        let handle = try FileHandle(forWritingTo: out)
        let process = try Tool.start(executable, arguments, in: root, environment: environment, stdout: handle, stderr: handle)
        return (process, out)
    }

    /// Starts a helper of Tests/CLITests/Scripts with python3 in the background, as a clean child
    /// (`Tool.shell`: default signals, no inherited descriptors, so it holds no other process's
    /// pipes); returns its pid, for `kill`.
    func startScript(_ name: String, _ arguments: [String]) throws -> Int32 {
        let script = Tool.repositoryRoot.appendingPathComponent("Tests/CLITests/Scripts/\(name)").path
        let command = (["python3", script] + arguments).map(shellQuoted).joined(separator: " ")
        let started = try Tool.shell("\(command) > /dev/null 2>&1 & echo $!", in: root)
        guard let pid = Int32(started.stdout.trimmingCharacters(in: .whitespacesAndNewlines)) else {
            throw CocoaError(.executableLoad)
        }
        return pid
    }
}

/// Waits until `condition` holds, at most `timeout` seconds.
func eventually(_ timeout: Double = 10, _ condition: () -> Bool) -> Bool {
    let deadline = Date().addingTimeInterval(timeout)
    while Date() < deadline {
        if condition() { return true }
        usleep(20_000)
    }
    return condition()
}
