import Foundation

/// Holds a spawned command back until Belay has journaled its process group.
///
/// The process's standard input is the read end of a pipe: the step's own shell first reads one
/// line from it, then points its standard input at `/dev/null` and runs the command, in the same
/// process (one exec per action, not two). Belay writes that line only once `process_started` is
/// written, so no step can run unrecorded; if Belay dies before, the read meets end-of-file and the
/// step never runs.
final class SpawnGate: Sendable {
    /// The read end, handed to the process as its standard input (closed here once it is spawned).
    let readEnd: Int32
    private let writeEnd: Int32

    init?() {
        guard let ends = ChildProcess.pipe() else { return nil }
        (readEnd, writeEnd) = ends
    }

    /// Lets the process go on.
    func open() {
        let line: [UInt8] = [0x0A]
        _ = line.withUnsafeBytes { write(writeEnd, $0.baseAddress, 1) }
        close(writeEnd)
    }

    /// Closes Belay's copy of the read end: the spawned process holds its own.
    func spawned() { close(readEnd) }

    /// Closes both ends when no process was spawned.
    func abandon() {
        close(readEnd)
        close(writeEnd)
    }

    /// The arguments of `shell` that wait for the gate, then run `command` as `-euo pipefail -c`
    /// (`$0` is the shell, as for any `-c`). The gate shares the command's first line, so `$LINENO`
    /// counts the command's lines as written.
    static func arguments(shell: String, command: String) -> [String] {
        ["-euo", "pipefail", "-c", "IFS= read -r _ || exit 125; exec </dev/null; " + command, shell]
    }
}
