import BelaySupport
import Foundation
import Synchronization

/// One shell command to run for a step action.
struct ShellCommand: Sendable {
    /// Absolute path of the shell; the command runs as `<shell> -euo pipefail -c <command>`.
    var shell: String
    var command: String
    /// The whole environment of the process (nothing else is inherited).
    var environment: [String: String]
    var workingDirectory: String
    /// Absolute path of the attempt's log (stdout and stderr together).
    var logFile: String
    var timeout: Duration?
    /// After SIGTERM, how long the process group gets before SIGKILL.
    var killGrace: Duration
    var masker: SecretMasker
    /// Told about the process group, so an operator's second signal can kill it.
    var interruption: RunInterruption? = nil
    /// Told the process id (its group's id) once spawned, to journal it before anything else.
    var onSpawn: (@Sendable (pid_t) -> Void)? = nil
}

/// How a shell command ended.
struct ShellResult: Sendable {
    var exitCode: Int32?
    var signal: Int32?
    var timedOut = false
    /// The process could not be started (or its log could not be opened).
    var launchError: String?

    var succeeded: Bool { exitCode == 0 && !timedOut && launchError == nil }

    func failureDescription(timeout: Duration?) -> String {
        if let launchError { return launchError }
        if timedOut { return "timed out after \(DurationFormat.format(timeout ?? .zero)); the process group was killed" }
        if let signal { return "killed by signal \(signal)" }
        return "exit code \(exitCode ?? -1)"
    }
}

/// Runs shell commands in their own process group, with a timeout that kills the whole group and a
/// log that never holds an unmasked secret.
enum ShellRunner {
    private enum Event: Sendable {
        case finished(ChildProcess.Termination)
        case timedOut
        case timerCancelled
    }

    static func run(_ command: ShellCommand) async -> ShellResult {
        let fd = open(command.logFile, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, PrivateFiles.fileMode)
        guard fd >= 0 else {
            return ShellResult(launchError: "cannot open the log \(command.logFile): \(String(cString: strerror(errno)))")
        }
        defer { close(fd) }
        guard let gate = SpawnGate() else {
            return ShellResult(launchError: "cannot create a pipe: \(String(cString: strerror(errno)))")
        }
        // With secrets to mask, the output comes through a pipe and is masked on its way to the log;
        // with none, the process writes straight into its log.
        let masker = command.masker
        let outputPipe = masker.masksAnything ? ChildProcess.pipe() : nil
        if masker.masksAnything && outputPipe == nil {
            gate.abandon()
            return ShellResult(launchError: "cannot create a pipe: \(String(cString: strerror(errno)))")
        }
        let child: ChildProcess
        do {
            child = try ChildProcess.spawn(
                executable: command.shell,
                arguments: [command.shell] + SpawnGate.arguments(shell: command.shell, command: command.command),
                environment: command.environment, workingDirectory: command.workingDirectory,
                input: gate.readEnd, output: outputPipe?.write ?? fd)
        } catch {
            gate.abandon()
            if let outputPipe { close(outputPipe.read); close(outputPipe.write) }
            return ShellResult(launchError: error.description)
        }
        gate.spawned()
        if let outputPipe { close(outputPipe.write) }  // the child holds the only write end now
        // Journals the process group, then lets the process go on.
        command.interruption?.register(group: child.pid)
        command.onSpawn?(child.pid)
        gate.open()
        defer { command.interruption?.unregister(group: child.pid) }

        return await withTaskGroup(of: Event.self) { group in
            group.addTask {
                await ChildProcess.onOwnThread {
                    if let outputPipe, var stream = masker.stream() {
                        // Masked as it arrives, in one pass, holding back only a possible secret's start.
                        pump(outputPipe.read, into: fd) { stream.feed($0) }
                        writeAll(stream.finish(), to: fd)
                        close(outputPipe.read)
                    }
                    return .finished(child.waitForExit())
                }
            }
            if let timeout = command.timeout {
                group.addTask {
                    do { try await Task.sleep(for: timeout) } catch { return .timerCancelled }
                    return .timedOut
                }
            }
            var result = ShellResult()
            while let event = await group.next() {
                switch event {
                case .finished(.exited(let code)):
                    result.exitCode = code
                    group.cancelAll()
                case .finished(.signaled(let signal)):
                    result.signal = signal
                    group.cancelAll()
                case .timedOut:
                    result.timedOut = true
                    let note = "\n[belay] timed out after \(DurationFormat.format(command.timeout ?? .zero)): "
                        + "sending SIGTERM to the process group\n"
                    writeAll(Array(note.utf8), to: fd)
                    await terminateGroup(child.pid, grace: command.killGrace)
                case .timerCancelled:
                    break
                }
            }
            return result
        }
    }

    /// Reads `input` to its end, writing what `transform` makes of each chunk to `output`.
    private static func pump(_ input: Int32, into output: Int32, _ transform: (UnsafeRawBufferPointer) -> [UInt8]) {
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 64 * 1024, alignment: 1)
        defer { buffer.deallocate() }
        while true {
            let count = read(input, buffer.baseAddress, buffer.count)
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { return }
            writeAll(transform(UnsafeRawBufferPointer(rebasing: buffer[..<count])), to: output)
        }
    }

    /// SIGTERM to the whole group, then SIGKILL to whatever is left after `grace`.
    static func terminateGroup(_ group: pid_t, grace: Duration) async {
        guard group > 1 else { return }
        kill(-group, SIGTERM)
        let deadline = ContinuousClock.now + grace
        while ContinuousClock.now < deadline {
            if kill(-group, 0) != 0 { return }
            try? await Task.sleep(for: .milliseconds(20))
        }
        kill(-group, SIGKILL)
    }

    private static func writeAll(_ data: [UInt8], to fd: Int32) {
        var offset = 0
        while offset < data.count {
            let written = data.withUnsafeBytes { write(fd, $0.baseAddress! + offset, $0.count - offset) }
            if written <= 0 {
                if written < 0 && errno == EINTR { continue }
                return
            }
            offset += written
        }
    }
}
