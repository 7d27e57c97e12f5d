import Foundation
import Subprocess
import Synchronization

#if canImport(System)
import System
#else
import SystemPackage
#endif

/// The `belay` processes the server starts: every action goes through the same binary, engine,
/// locks and journal as a person at a terminal. A run, resume or rollback is a child in its own
/// process group that outlives the request (and the server: a stopped server leaves its runs
/// going); quick commands (`approve`, `resolve`, `validate`, a dry run) are called and awaited.
actor BelayProcesses {
    struct Key: Hashable, Sendable {
        var workspace: String
        var run: String
    }

    /// A child carrying a run on.
    struct Child: Sendable {
        var pid: Int32
        var command: String
        /// Its standard error while it runs, to explain an early refusal; read and removed at its end.
        var errors: URL
        var exit: Int32?
        var errorText = ""
    }

    /// What a quick command said.
    struct Answer: Sendable {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    let belay: URL
    private var children: [Key: Child] = [:]
    /// Ends noticed before `start` recorded the child (a command that refused at once).
    private var earlyEnds: [Int32: (exit: Int32, errors: String)] = [:]

    init(belay: URL) { self.belay = belay }

    /// The child started here that still carries `key` on, if any.
    func running(_ key: Key) -> Child? { children[key].flatMap { $0.exit == nil ? $0 : nil } }

    func child(_ key: Key) -> Child? { children[key] }

    /// Starts `belay <arguments>` for `key` and returns once it is spawned.
    /// - Throws: 409 when a child started here already carries the run on.
    func start(_ arguments: [String], for key: Key, in directory: URL) async throws(APIError) -> Child {
        if let busy = running(key) {
            throw .conflict("run \(key.run) is already being carried on by `\(busy.command)` (pid \(busy.pid)); wait for it or pause it")
        }
        let errors = FileManager.default.temporaryDirectory.appendingPathComponent("belay-serve-\(UUID().uuidString).stderr")
        let fd = open(errors.path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw APIError(status: .internalServerError, message: "cannot write \(errors.path)") }
        var options = PlatformOptions()
        options.processGroupID = 0  // its own group: a signal to the server's terminal does not reach it
        let configuration = Configuration(
            executable: .path(FilePath(belay.path)), arguments: Arguments(arguments),
            workingDirectory: FilePath(directory.path), platformOptions: options)
        let spawned = SpawnedOnce()
        let pid: Int32
        do {
            pid = try await withCheckedThrowingContinuation { continuation in
                spawned.set(continuation)
                Task.detached { [weak self] in
                    do {
                        let result = try await Subprocess.run(
                            configuration, input: .none, output: .discarded,
                            error: .fileDescriptor(FileDescriptor(rawValue: fd), closeAfterSpawningProcess: true)
                        ) { execution in
                            spawned.resume(.success(execution.processIdentifier.value))
                        }
                        let code: Int32 = switch result.terminationStatus {
                        case .exited(let code): code
                        case .signaled(let signal): 128 + signal
                        }
                        await self?.finished(key, pid: spawned.pid, exit: code, errors: errors)
                    } catch {
                        spawned.resume(.failure(error))
                    }
                }
            }
        } catch {
            throw APIError(status: .internalServerError, message: "cannot start \(belay.path): \(error)")
        }
        var child = Child(pid: pid, command: "belay " + arguments.prefix(2).joined(separator: " "), errors: errors)
        if let ended = earlyEnds.removeValue(forKey: pid) {
            child.exit = ended.exit
            child.errorText = ended.errors
        }
        children[key] = child
        return child
    }

    private func finished(_ key: Key, pid: Int32, exit: Int32, errors: URL) {
        let text = (try? String(contentsOf: errors, encoding: .utf8)) ?? ""
        try? FileManager.default.removeItem(at: errors)
        guard children[key]?.pid == pid else {
            earlyEnds[pid] = (exit, text)
            return
        }
        children[key]?.errorText = text
        children[key]?.exit = exit
    }

    /// Runs `belay <arguments>` to its end.
    func call(_ arguments: [String], in directory: URL) async throws(APIError) -> Answer {
        do {
            let result = try await Subprocess.run(
                .path(FilePath(belay.path)), arguments: Arguments(arguments), workingDirectory: FilePath(directory.path),
                output: .string(limit: 4 << 20), error: .string(limit: 1 << 20))
            let code: Int32 = switch result.terminationStatus {
            case .exited(let code): code
            case .signaled(let signal): 128 + signal
            }
            return Answer(status: code, stdout: result.standardOutput, stderr: result.standardError)
        } catch {
            throw APIError(status: .internalServerError, message: "cannot run \(belay.path): \(error)")
        }
    }
}

/// Hands the spawned pid to the one waiter, once, whatever happens first.
private final class SpawnedOnce: Sendable {
    private let state = Mutex<(continuation: CheckedContinuation<Int32, any Error>?, pid: Int32)>((nil, 0))

    var pid: Int32 { state.withLock { $0.pid } }

    func set(_ continuation: CheckedContinuation<Int32, any Error>) { state.withLock { $0.continuation = continuation } }

    func resume(_ result: Result<Int32, any Error>) {
        let waiting = state.withLock { box -> CheckedContinuation<Int32, any Error>? in
            if case .success(let pid) = result { box.pid = pid }
            defer { box.continuation = nil }
            return box.continuation
        }
        waiting?.resume(with: result)
    }
}
