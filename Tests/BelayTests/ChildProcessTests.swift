import Foundation
import Testing
@testable import Belay

/// The spawn path of every shell action: what the child gets, and how its end is told.
@Suite struct ChildProcessTests {
    /// Runs `script` under `/bin/sh` with its output in a temporary file, and returns the output
    /// and how the process ended.
    static func run(
        _ script: String, environment: [String: String] = ["PATH": "/usr/bin:/bin"], in folder: String = "/"
    ) throws -> (output: String, termination: ChildProcess.Termination) {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("child-\(UUID().uuidString)").path
        defer { unlink(path) }
        let output = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        let input = open("/dev/null", O_RDONLY | O_CLOEXEC)
        defer { close(output); close(input) }
        let child = try ChildProcess.spawn(
            executable: "/bin/sh", arguments: ["/bin/sh", "-c", script], environment: environment,
            workingDirectory: folder, input: input, output: output)
        let termination = child.waitForExit()
        return (try String(contentsOfFile: path, encoding: .utf8), termination)
    }

    @Test func theChildGetsExactlyItsEnvironmentArgumentsAndFolder() throws {
        let folder = FileManager.default.temporaryDirectory.resolvingSymlinksInPath().path
        let result = try Self.run(
            #"echo "$0|$GREETING|${HOME-unset}"; pwd -P"#, environment: ["GREETING": "hello world", "=bad": "x"],
            in: folder)
        #expect(result.output == "/bin/sh|hello world|unset\n\(folder)\n")
        #expect(result.termination == .exited(0))
    }

    @Test func exitCodesAndSignalsAreTold() throws {
        #expect(try Self.run("exit 7").termination == .exited(7))
        #expect(try Self.run("kill -TERM $$").termination == .signaled(SIGTERM))
    }

    @Test func theChildLeadsItsOwnGroupWithDefaultSignalsAndNoInheritedDescriptors() throws {
        // A descriptor Belay opened without close-on-exec must still not reach the child.
        let leaked = open("/dev/null", O_RDONLY)
        defer { close(leaked) }
        let previous = signal(SIGPIPE, SIG_IGN)
        defer { signal(SIGPIPE, previous) }
        let result = try Self.run(
            #"echo "$$ $(cut -d" " -f5 /proc/$$/stat)"; grep -E "^Sig(Ign|Blk)" /proc/self/status; ls /proc/self/fd"#)
        let lines = result.output.split(separator: "\n").map(String.init)
        let ids = lines[0].split(separator: " ")
        #expect(ids.count == 2 && ids[0] == ids[1], "\(lines)")
        // Signals 1 to 31; the C library keeps two of its own real-time signals ignored.
        let ignored = lines.first { $0.hasPrefix("SigIgn:\t") }.flatMap { UInt64($0.dropFirst(8), radix: 16) }
        #expect(ignored.map { $0 & 0x7fff_ffff } == 0, "\(lines)")
        #expect(lines.contains("SigBlk:\t0000000000000000"), "\(lines)")
        #expect(Array(lines.suffix(4)) == ["0", "1", "2", "3"], "\(lines)")
    }

    @Test func aMissingExecutableIsASpawnErrorNotAChild() throws {
        #expect(throws: SpawnError.self) {
            try ChildProcess.spawn(
                executable: "/nonexistent/shell", arguments: ["shell"], environment: [:], workingDirectory: "/",
                input: 0, output: 1)
        }
    }
}
