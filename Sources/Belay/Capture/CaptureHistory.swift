import BelayGit
import Foundation

extension RunHistory {
    /// What the captures kept with point `from` and point `to` say changed between them, one entry
    /// per capture either holds (a capture that failed at one of them is `not_compared`). Empty
    /// when neither point kept captures.
    public func captureChanges(from: String, to: String) async throws -> [CaptureComparison] {
        let old = try await points.captures(run: runID, point: from)
        let new = try await points.captures(run: runID, point: to)
        guard old != nil || new != nil else { return [] }
        let names = Set((old ?? [:]).keys).union((new ?? [:]).keys).sorted()
        return names.map { name in
            guard let before = old?[name], let after = new?[name] else {
                let missing = old?[name] == nil ? from : to
                return CaptureComparison(
                    name: name, status: .notCompared, reason: "the point \(missing) holds no output of it (the capture failed)")
            }
            if before == after { return CaptureComparison(name: name, status: .equal) }
            return CaptureComparison(
                name: name, status: .differs,
                diff: CheckpointStore.unifiedDiff(old: before, new: after, oldName: "\(name)@\(from)", newName: "\(name)@\(to)"))
        }
    }
}
