import BelaySupport
import Foundation
import Subprocess
import Synchronization

#if canImport(System)
import System
#else
import SystemPackage
#endif

/// One shell command to run for a step action.
struct ShellCommand: Sendable {
    /// Absolute path of the shell; the command runs as `<shell> -euo pipefail -c <command>`.
    var shell: String
    var command: String
    /// The whole environment of the process (nothing else is inherited).
    var environment: [Environment.Key: String]
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
        case finished(TerminationStatus)
        case launchFailed(String)
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
        var options = PlatformOptions()
        options.processGroupID = 0  // its own group, so a timeout can kill every process it started
        let configuration = Configuration(
            executable: .path(FilePath(command.shell)),
            arguments: Arguments(SpawnGate.arguments(shell: command.shell, command: command.command)),
            environment: .custom(command.environment),
            workingDirectory: FilePath(command.workingDirectory),
            platformOptions: options
        )
        let processGroup = ProcessGroupBox()
        let masker = command.masker
        let input = FileDescriptorInput.fileDescriptor(FileDescriptor(rawValue: gate.readEnd), closeAfterSpawningProcess: true)
        /// Journals the process group, then lets the process go on.
        @Sendable func spawned(_ pid: pid_t) {
            processGroup.set(pid)
            command.interruption?.register(group: pid)
            command.onSpawn?(pid)
            gate.open()
        }

        return await withTaskGroup(of: Event.self) { group in
            group.addTask {
                do {
                    guard var stream = masker.stream() else {
                        // Nothing to mask: the process writes straight into its log, no pipe to pump.
                        let result = try await Subprocess.run(
                            configuration, input: input,
                            output: .fileDescriptor(FileDescriptor(rawValue: fd), closeAfterSpawningProcess: false),
                            error: .combinedWithOutput
                        ) { execution in
                            spawned(execution.processIdentifier.value)
                        }
                        return .finished(result.terminationStatus)
                    }
                    let result = try await Subprocess.run(
                        configuration, input: input, output: .sequence, error: .combinedWithOutput
                    ) { execution in
                        spawned(execution.processIdentifier.value)
                        // Masked as it arrives, in one pass, holding back only a possible secret's start.
                        for try await buffer in execution.standardOutput {
                            writeAll(buffer.withUnsafeBytes { stream.feed($0) }, to: fd)
                        }
                        writeAll(stream.finish(), to: fd)
                    }
                    return .finished(result.terminationStatus)
                } catch {
                    if processGroup.get() == 0 { gate.abandon() }
                    return .launchFailed("cannot run \(command.shell): \(error)")
                }
            }
            if let timeout = command.timeout {
                group.addTask {
                    do { try await Task.sleep(for: timeout) } catch { return .timerCancelled }
                    return .timedOut
                }
            }
            var result = ShellResult()
            defer { command.interruption?.unregister(group: processGroup.get()) }
            while let event = await group.next() {
                switch event {
                case .finished(let status):
                    switch status {
                    case .exited(let code): result.exitCode = code
                    case .signaled(let signal): result.signal = signal
                    }
                    group.cancelAll()
                case .launchFailed(let message):
                    result.launchError = message
                    group.cancelAll()
                case .timedOut:
                    result.timedOut = true
                    let note = "\n[belay] timed out after \(DurationFormat.format(command.timeout ?? .zero)): "
                        + "sending SIGTERM to the process group\n"
                    _ = note.withCString { write(fd, $0, strlen($0)) }
                    await terminateGroup(processGroup.get(), grace: command.killGrace)
                case .timerCancelled:
                    break
                }
            }
            return result
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

/// The process group of a running command, shared between the task that runs it and its timer.
final class ProcessGroupBox: Sendable {
    private let value = Mutex<pid_t>(0)
    func set(_ pid: pid_t) { value.withLock { $0 = pid } }
    func get() -> pid_t { value.withLock { $0 } }
}
