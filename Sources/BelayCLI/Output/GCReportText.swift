import Belay
import BelaySupport
import Foundation

/// What `belay gc` says: the runs that go (or would), the bytes freed, and why the others stay.
enum GCReportText {
    static func text(_ report: GarbageCollection.Report) -> String {
        var lines: [String] = []
        let verb = report.dryRun ? "Would remove" : "Removed"
        if report.removed.isEmpty {
            lines.append(report.dryRun ? "Nothing would be removed." : "Nothing to remove.")
        } else {
            lines.append("\(verb) \(count(report.removed.count, "run")):")
            for run in report.removed {
                let ended = run.lastEvent.map(JournalClock.format) ?? "?"
                lines.append("  \(run.run)  \(run.status?.rawValue ?? "?")  last event \(ended)  \(ByteText.format(run.folderBytes))")
            }
        }
        let git = "\(ByteText.format(report.gitBytesBefore)) → \(ByteText.format(report.gitBytesAfter))"
        lines.append((report.dryRun ? "Would free " : "Freed ") + ByteText.format(report.bytesFreed) + " (.belay/git objects \(git)).")
        if !report.kept.isEmpty {
            let byReason = Dictionary(grouping: report.kept, by: { $0.reason })
            let parts = [Retention.Reason.recent, .young, .unfinished, .laterRunOfUnfinished, .unreadable].compactMap { reason -> String? in
                guard let runs = byReason[reason] else { return nil }
                let label: String
                switch reason {
                case .recent: label = "among the newest --keep-runs"
                case .young: label = "younger than --keep-days"
                case .unfinished: label = "not finished: " + runs.map { $0.run }.joined(separator: ", ")
                case .laterRunOfUnfinished: label = "wrote the workspace after an unfinished run: " + runs.map { $0.run }.joined(separator: ", ")
                case .unreadable: label = "journal unreadable: " + runs.map { $0.run }.joined(separator: ", ")
                }
                return "\(runs.count) \(label)"
            }
            lines.append("Kept \(count(report.kept.count, "run")): " + parts.joined(separator: "; ") + ".")
        }
        if report.dryRun && !report.removed.isEmpty { lines.append("Run `belay gc` with the same options to remove them.") }
        return lines.joined(separator: "\n") + "\n"
    }

    static func json(_ report: GarbageCollection.Report) -> JSONText {
        .object([
            ("dry_run", .bool(report.dryRun)),
            ("removed", .array(report.removed.map { run in
                .object([
                    ("run", .string(run.run)), ("status", .optional(run.status?.rawValue)),
                    ("last_event", .optional(run.lastEvent.map(JournalClock.format))), ("bytes", .int(run.folderBytes)),
                ])
            })),
            ("kept", .array(report.kept.map { .object([("run", .string($0.run)), ("reason", .string($0.reason.rawValue))]) })),
            ("bytes_freed", .int(report.bytesFreed)),
            ("git_bytes_before", .int(report.gitBytesBefore)),
            ("git_bytes_after", .int(report.gitBytesAfter)),
        ])
    }
}
