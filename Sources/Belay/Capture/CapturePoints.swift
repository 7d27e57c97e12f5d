import BelaySupport
import Foundation

extension SagaExecution {
    /// Runs the playbook's captures for the point `point` just recorded and keeps their output with
    /// it. A failing capture is journaled as failed and the run goes on, unless it is `required`.
    func recordCaptures(point: String) async throws(EngineError) {
        let runner = captureRunner
        guard !runner.isEmpty else { return }
        let results = await runner.run()
        await keepAsLast(results)
        var outputs: [String: Data] = [:]
        for result in results { if let output = result.output { outputs[result.name] = output } }
        var kept: String?
        var storeError: String?
        do { kept = try await points.storeCaptures(run: runID, point: point, outputs: outputs) } catch {
            storeError = "\(error)"
        }
        if kept == nil, storeError == nil { storeError = "this store of rollback points keeps no captures" }
        var recorded = event(.capturesRecorded, phase: point == PointName.start ? nil : point.split(separator: "/").first.map(String.init))
        recorded.point = point
        recorded.commit = kept
        recorded.captures = Dictionary(uniqueKeysWithValues: results.map { result -> (String, String) in
            (result.name, result.output == nil || storeError != nil ? "failed" : "recorded")
        })
        let failures = results.compactMap { result in result.error.map { "\(result.name): \($0)" } }
            + (storeError.map { ["could not keep the outputs: \($0)"] } ?? [])
        recorded.error = failures.isEmpty ? nil : failures.joined(separator: "; ")
        recordLater(recorded)
        let requiredFailures = results.filter { result in
            (result.output == nil || storeError != nil) && saga.captures.first { $0.name == result.name }?.required == true
        }
        if let first = requiredFailures.first {
            throw EngineError(.checkpoint, .checkpoint(
                action: "record the required capture '\(first.name)' at the point '\(point)'",
                underlying: first.error ?? storeError ?? "failed"))
        }
    }

    /// After a rollback or an unwind restored `point`: runs the captures again and compares them with
    /// what the point kept. Journals the result; returns the captures that differ and are `strict`.
    func verifyCaptures(against point: String) async -> [String] {
        let runner = captureRunner
        guard !runner.isEmpty else { return [] }
        let live = await runner.run()
        await keepAsLast(live)
        let kept = try? await points.captures(run: runID, point: point)
        let comparisons = CaptureComparison.compare(live: live, kept: kept, point: point, fromKept: true)
        var verified = event(.capturesVerified)
        verified.point = point
        verified.captures = Dictionary(uniqueKeysWithValues: comparisons.map { comparison -> (String, String) in
            let status: String = switch comparison.status {
            case .equal: "verified"
            case .differs: "differs"
            case .notCompared: "not_compared: " + (comparison.reason ?? "")
            }
            return (comparison.name, status)
        })
        verified.note = CaptureComparison.diffText(comparisons)
        let strict = comparisons.filter { comparison in
            comparison.status == .differs && saga.captures.first { $0.name == comparison.name }?.verify == .strict
        }.map(\.name)
        if !strict.isEmpty {
            verified.error = "the capture(s) \(strict.joined(separator: ", ")) (verify: strict) differ from the point \(point)"
        }
        note(verified)
        return strict
    }
}
