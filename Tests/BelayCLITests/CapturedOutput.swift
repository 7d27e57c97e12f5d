@testable import BelayCLI
import Synchronization

/// What a renderer wrote, by stream, without colour: a `TerminalOutput` for tests.
final class CapturedOutput: Sendable {
    private let text = Mutex<(stdout: String, stderr: String)>(("", ""))

    var stdout: String { text.withLock { $0.stdout } }
    var stderr: String { text.withLock { $0.stderr } }

    var output: TerminalOutput {
        TerminalOutput(
            write: { [self] written, stream in
                text.withLock { if stream == .standardOutput { $0.stdout += written } else { $0.stderr += written } }
            },
            usesColor: { _ in false })
    }
}
