import Foundation

/// Holds a spawned command back until Belay has journaled its process group.
///
/// The process's standard input is the read end of a pipe: a small wrapper reads one line from it,
/// then `exec`s the step's shell (same pid, same process group, same start time) with standard input
/// from `/dev/null`. Belay writes that line only once `process_started` is durable, so no step can
/// run unrecorded; if Belay dies before, the read meets end-of-file and the step never runs.
final class SpawnGate: Sendable {
    /// The read end, handed to the process as its standard input (closed here after spawning).
    let readEnd: Int32
    private let writeEnd: Int32

    init?() {
        var ends: [Int32] = [0, 0]
        guard pipe(&ends) == 0 else { return nil }
        for end in ends { _ = fcntl(end, F_SETFD, FD_CLOEXEC) }
        readEnd = ends[0]
        writeEnd = ends[1]
    }

    /// Lets the process go on.
    func open() {
        let line: [UInt8] = [0x0A]
        _ = line.withUnsafeBytes { write(writeEnd, $0.baseAddress, 1) }
        close(writeEnd)
    }

    /// Closes the write end when the process was never told to go (a failed launch).
    func abandon() { close(writeEnd) }

    /// The arguments of `shell` that wait for the gate, then run `command` as `-euo pipefail -c`.
    static func arguments(shell: String, command: String) -> [String] {
        ["-c", #"IFS= read -r _ || exit 125; exec "$0" -euo pipefail -c "$1" </dev/null"#, shell, command]
    }
}
