import BelayGit
import Foundation

/// One capture run now, compared with what a rollback point kept (docs/captures.md).
public struct CaptureComparison: Sendable, Hashable {
    public enum Status: String, Sendable, Hashable {
        /// The same bytes.
        case equal
        case differs
        /// Nothing to compare: the capture failed now, or was not kept with the point.
        case notCompared = "not_compared"
    }

    public var name: String
    public var status: Status
    /// A unified diff (from the first side to the second), when they differ.
    public var diff: String?
    /// Why they could not be compared.
    public var reason: String?

    /// Compares `live` with `kept` (what the point holds) for every capture run now. `fromKept`
    /// chooses the diff's direction: from the point to now (what changed since), or from now to the
    /// point (what a restore should do).
    static func compare(
        live: [CaptureRunner.Result], kept: [String: Data]?, point: String, fromKept: Bool
    ) -> [CaptureComparison] {
        live.map { result in
            guard let now = result.output else {
                return CaptureComparison(name: result.name, status: .notCompared, reason: "the capture failed now: \(result.error ?? "")")
            }
            guard let then = kept?[result.name] else {
                return CaptureComparison(
                    name: result.name, status: .notCompared, reason: "the point \(point) holds no output of it")
            }
            if now == then { return CaptureComparison(name: result.name, status: .equal) }
            let pointLabel = "\(result.name)@\(point)", liveLabel = "\(result.name)@now"
            let diff = fromKept
                ? CheckpointStore.unifiedDiff(old: then, new: now, oldName: pointLabel, newName: liveLabel)
                : CheckpointStore.unifiedDiff(old: now, new: then, oldName: liveLabel, newName: pointLabel)
            return CaptureComparison(name: result.name, status: .differs, diff: diff)
        }
    }

    /// The diffs of `comparisons` that differ, joined and cut to `limit` characters for the journal.
    static func diffText(_ comparisons: [CaptureComparison], limit: Int = 16 * 1024) -> String? {
        let text = comparisons.compactMap(\.diff).joined()
        guard !text.isEmpty else { return nil }
        return text.count <= limit ? text : String(text.prefix(limit)) + "\n… (diff cut at \(limit / 1024) KiB)\n"
    }
}
