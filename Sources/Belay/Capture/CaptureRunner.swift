import BelaySupport
import Foundation

/// Runs a playbook's captures (docs/captures.md): each in the workspace, with the run's environment,
/// its standard output masked like a step's and kept, its standard error kept apart for the error.
struct CaptureRunner: Sendable {
    /// One capture's result: its output, or why there is none.
    struct Result: Sendable, Hashable {
        var name: String
        var output: Data?
        var error: String?
    }

    /// A capture that sets no timeout gets this one: a capture should be quick, and a point waits for it.
    static let defaultTimeout: Duration = .seconds(60)
    /// Larger output is refused: a capture describes state, it is no backup.
    static let sizeLimit = 4 * 1024 * 1024

    let captures: [Capture]
    let vars: [String: String]
    let shellPath: String?
    let shell: String
    let environment: [String: String]
    let workspace: URL
    let scratch: URL
    let masker: SecretMasker
    let killGrace: Duration

    var isEmpty: Bool { captures.isEmpty }

    /// Runs every capture, one after the other, in declaration order.
    func run() async -> [Result] {
        var results: [Result] = []
        for capture in captures { results.append(await run(capture)) }
        return results
    }

    func run(_ capture: Capture) async -> Result {
        let command: String
        do {
            command = try Template(capture.command).render { reference in
                if case .variable(let name) = reference { vars[name] } else { nil }
            }
        } catch {
            return Result(name: capture.name, error: "\(error)")
        }
        guard let shellPath else {
            return Result(name: capture.name, error: "the shell '\(shell)' was not found on PATH")
        }
        try? FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        let token = UUID().uuidString.prefix(8)
        let outputFile = scratch.appendingPathComponent("capture.\(capture.name).\(token).out").path
        let errorFile = scratch.appendingPathComponent("capture.\(capture.name).\(token).err").path
        defer {
            unlink(outputFile)
            unlink(errorFile)
        }
        var environment = self.environment
        environment["BELAY_CAPTURE"] = capture.name
        let timeout = capture.timeout ?? Self.defaultTimeout
        // Standard error goes to a file of its own, so a warning never becomes part of the captured state.
        let result = await ShellRunner.run(ShellCommand(
            shell: shellPath, command: "exec 2>>\(ShellQuote.word(errorFile))\n" + command, environment: environment,
            workingDirectory: workspace.path, logFile: outputFile, timeout: timeout, killGrace: killGrace,
            masker: masker))
        guard result.succeeded else {
            var reason = result.failureDescription(timeout: timeout)
            if let detail = Self.lastLine(of: errorFile) { reason += ": " + masker.mask(detail) }
            return Result(name: capture.name, error: reason)
        }
        var info = stat()
        if stat(outputFile, &info) == 0, Int(info.st_size) > Self.sizeLimit {
            return Result(
                name: capture.name,
                error: "its output is larger than \(Self.sizeLimit / 1024 / 1024) MiB; capture a summary instead")
        }
        guard let data = FileManager.default.contents(atPath: outputFile) else {
            return Result(name: capture.name, error: "its output could not be read")
        }
        return Result(name: capture.name, output: data)
    }

    /// The last non-empty line a failed capture wrote on standard error, at most 300 characters.
    private static func lastLine(of path: String) -> String? {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        let text = String(decoding: data.suffix(4096), as: UTF8.self)
        guard let line = text.split(whereSeparator: \.isNewline).last(where: { !$0.allSatisfy(\.isWhitespace) })
        else { return nil }
        return String(line.prefix(300))
    }
}

extension CaptureRunner {
    /// The captures of `saga`, run as a run of it runs its steps, for a command that has no run under way
    /// (`rollback --dry-run`).
    init(saga: Saga, folder: RunFolder, options: RunOptions) {
        let environment = SagaExecution.environment(of: saga, folder: folder)
        self.init(
            captures: saga.captures, vars: saga.vars,
            shellPath: SagaExecution.resolve(shell: saga.shell, path: environment["PATH"]), shell: saga.shell,
            environment: environment, workspace: folder.workspace, scratch: folder.scratch,
            masker: SecretMasker(names: saga.secrets, environment: options.environment, values: saga.secretValues),
            killGrace: options.killGrace)
    }
}

extension SagaExecution {
    /// The playbook's captures, run the way this run runs its steps.
    var captureRunner: CaptureRunner {
        CaptureRunner(
            captures: saga.captures, vars: saga.vars, shellPath: shellPath, shell: saga.shell,
            environment: baseEnvironment, workspace: folder.workspace, scratch: folder.scratch, masker: masker,
            killGrace: options.killGrace)
    }
}
