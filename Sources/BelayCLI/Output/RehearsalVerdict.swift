import Belay
import Foundation

/// What `belay rehearse` concludes: passed, or what stops the playbook being undone cleanly.
enum RehearsalVerdict {
    static func text(_ record: RehearsalRecord, evidence: URL, workspace: URL, output: TerminalOutput = .standard) -> String {
        var lines = [""]
        let tree = String((record.startTree ?? "").prefix(10))
        if record.succeeded {
            lines.append(output.paint("✓ Rehearsal passed", .green)
                + ": every phase ran forward, \(count(record.compensated.count, "compensation")) succeeded,"
                + " and the workspace is back to the start tree (\(tree)).")
        } else {
            lines.append(output.paint("✗ Rehearsal FAILED", .red) + ": the playbook cannot be undone cleanly.")
            for failure in record.failures { lines.append("  - \(failure)") }
            if !record.changedFiles.isEmpty {
                lines.append("  files that differ from the start after the unwind:")
                for change in record.changedFiles.prefix(20) { lines.append("    \(change)") }
                lines.append("  start tree \(tree), after the unwind \(String((record.endTree ?? "").prefix(10)))")
            }
        }
        for note in record.notes { lines.append("  note: \(note)") }
        let relative = evidence.path.hasPrefix(workspace.path + "/")
            ? String(evidence.path.dropFirst(workspace.path.count + 1)) : evidence.path
        lines.append("  playbook  \(record.playbook) (sha256 \(record.playbookSHA256.prefix(12))…)")
        lines.append("  evidence  \(relative)")
        return lines.joined(separator: "\n")
    }
}
