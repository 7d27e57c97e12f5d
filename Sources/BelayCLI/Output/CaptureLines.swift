import Belay
import BelaySupport

/// How captures read in a run's story, its status and its rollback plan (docs/captures.md).
enum CaptureLines {
    static func story(_ event: JournalEvent) -> String {
        let results = (event.captures ?? [:]).sorted { $0.key < $1.key }
        let point = event.point ?? "start"
        switch event.event {
        case .capturesRecorded:
            let failed = results.filter { $0.value != "recorded" }
            if failed.isEmpty { return "◆ captures recorded at \(point): \(results.map(\.key).joined(separator: ", "))" }
            return "⚠ captures at \(point): " + results.map { "\($0.key) \($0.value)" }.joined(separator: "; ")
        case .capturesVerified:
            let differing = results.filter { $0.value == "differs" }
            let head = differing.isEmpty
                ? "✓ captures verified against \(point): "
                : "⚠ captures NOT verified against \(point): "
            return head + results.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
                + (event.note.map { "\n" + indent($0) } ?? "")
        case .capturesDrifted:
            return "⚠ captures changed outside Belay, forced on: \(results.map(\.key).joined(separator: ", "))"
                + (event.note.map { "\n" + indent($0) } ?? "")
        default:
            return ""
        }
    }

    /// As a run goes: failed captures, and every verification (the diffs when something differs).
    static func live(_ event: JournalEvent, paint: (String, Terminal.Color) -> String) -> String? {
        let results = (event.captures ?? [:]).sorted { $0.key < $1.key }
        switch event.event {
        case .capturesRecorded:
            let failed = results.filter { $0.value != "recorded" }
            guard !failed.isEmpty else { return nil }
            return "  " + paint("⚠ capture \(failed.map(\.key).joined(separator: ", ")) failed at \(event.point ?? "start")", .yellow)
                + (event.error.map { ": " + shown($0) } ?? "")
        case .capturesVerified:
            let text = results.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
            if results.allSatisfy({ $0.value == "verified" }) {
                return "  " + paint("✓ captures verified against \(event.point ?? "start"): \(text)", .green)
            }
            return "  " + paint("⚠ captures NOT verified against \(event.point ?? "start"): \(text)", event.error == nil ? .yellow : .red)
                + (event.error.map { "\n  " + paint($0, .red) } ?? "")
                + (event.note.map { "\n" + indent($0.trimmingSuffixNewline) } ?? "")
        case .capturesDrifted:
            return "  " + paint("⚠ forced on despite captures changed outside Belay: \(results.map(\.key).joined(separator: ", "))", .yellow)
        default:
            return nil
        }
    }

    /// What a status shows: failed captures, the last verification (with the diffs when something
    /// differs), and captures a forced command went on despite.
    static func status(_ record: CaptureRecord) -> [String] {
        var lines: [String] = []
        for (point, failed) in record.failures.sorted(by: { $0.key < $1.key }) {
            lines.append("captures failed at \(point): " + failed.keys.sorted().joined(separator: ", "))
        }
        if let last = record.lastVerification {
            let results = last.results.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
            if last.differing.isEmpty {
                lines.append("captures verified against \(last.point): \(results)")
            } else {
                lines.append("captures NOT verified against \(last.point): \(results)")
                if let strict = last.strictFailure { lines.append(strict) }
                if let diff = last.diff { lines += indent(diff.trimmingSuffixNewline).components(separatedBy: "\n") }
            }
        }
        if !record.drifted.isEmpty {
            lines.append("captures changed outside Belay (forced on): " + record.drifted.joined(separator: ", "))
        }
        return lines
    }

    /// `rollback --dry-run`: each capture now against the target's, as the diff the rollback should make.
    static func plan(_ comparisons: [CaptureComparison], target: String) -> [String] {
        guard !comparisons.isEmpty else { return [] }
        var lines = ["", "Captures, now against the point \(target) (what the rollback should do to the target):"]
        for comparison in comparisons {
            switch comparison.status {
            case .equal: lines.append("  \(comparison.name): unchanged")
            case .notCompared: lines.append("  \(comparison.name): not compared: \(comparison.reason ?? "")")
            case .differs:
                lines.append("  \(comparison.name): differs")
                if let diff = comparison.diff { lines.append(indent(diff.trimmingSuffixNewline)) }
            }
        }
        return lines
    }

    /// Under a point in `points`: which captures changed since the point before.
    static func pointSummary(_ comparisons: [CaptureComparison], first: Bool) -> [String] {
        guard !comparisons.isEmpty else { return [] }
        if first { return ["      captures: " + comparisons.map(\.name).joined(separator: ", ")] }
        let changed = comparisons.filter { $0.status == .differs }.map(\.name)
        let failed = comparisons.filter { $0.status == .notCompared }.map(\.name)
        var line = "      captures: " + (changed.isEmpty ? "none changed" : "changed " + changed.joined(separator: ", "))
        if !failed.isEmpty { line += "; not compared (failed) " + failed.joined(separator: ", ") }
        return [line]
    }

    /// `diff <run> <phase>`: the captures' diffs next to the files'.
    static func diff(_ comparisons: [CaptureComparison]) -> [String] {
        guard !comparisons.isEmpty else { return [] }
        let changed = comparisons.filter { $0.status == .differs }.count
        var lines = ["Captures: \(changed) of \(comparisons.count) changed"]
        for comparison in comparisons {
            switch comparison.status {
            case .equal: lines.append("  \(comparison.name): unchanged")
            case .notCompared: lines.append("  \(comparison.name): not compared: \(comparison.reason ?? "")")
            case .differs:
                lines.append("  \(comparison.name): changed")
                if let diff = comparison.diff { lines.append(indent(diff.trimmingSuffixNewline)) }
            }
        }
        return lines
    }

    static func json(_ comparison: CaptureComparison) -> JSONText {
        .object([
            ("name", .string(comparison.name)), ("status", .string(comparison.status.rawValue)),
            ("diff", .optional(comparison.diff)), ("reason", .optional(comparison.reason)),
        ])
    }

    static func indent(_ text: String) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false).map { "    " + $0 }.joined(separator: "\n")
    }
}

extension String {
    var trimmingSuffixNewline: String { hasSuffix("\n") ? String(dropLast()) : self }
}
