import Foundation

/// External drift (docs/captures.md): before `resume` or `rollback` acts, the captures are run
/// again and compared with what Belay saw last (at the run's last point, or when it last stopped or
/// restored); a change made outside Belay is refused unless forced, as files are.
extension SagaExecution {
    /// The stored name of the captures as Belay last saw the target; not a point (ids never start with `_`).
    static let lastCaptures = "_last"

    /// Keeps `results` as what Belay saw last.
    func keepAsLast(_ results: [CaptureRunner.Result]) async {
        var outputs: [String: Data] = [:]
        for result in results { if let output = result.output { outputs[result.name] = output } }
        _ = try? await points.storeCaptures(run: runID, point: Self.lastCaptures, outputs: outputs)
    }

    /// Runs the captures as a stopping run leaves the target, for the next drift check.
    func keepCapturesAsLeft() async {
        let runner = captureRunner
        guard !runner.isEmpty else { return }
        await keepAsLast(await runner.run())
    }

    /// Compares the captures with what Belay saw last. Returns a note for the journal when it goes
    /// on despite differences (forced, or explained by an interrupted step).
    /// - Throws: `.workspaceChanged` when a capture differs and `force` is false.
    func checkCaptureDrift(state: RunState, force: Bool, operation: EngineError.Operation) async throws(EngineError) -> String? {
        let runner = captureRunner
        guard !runner.isEmpty else { return nil }
        var kept = try? await points.captures(run: runID, point: Self.lastCaptures)
        var seen = "when Belay last saw it"
        if kept == nil, let point = state.pointOrder.last {
            kept = try? await points.captures(run: runID, point: point)
            seen = "at the point \(point)"
        }
        guard let kept else { return nil }
        let live = await runner.run()
        let differing = CaptureComparison.compare(live: live, kept: kept, point: "last-seen", fromKept: true)
            .filter { $0.status == .differs }
        guard !differing.isEmpty else { return nil }
        let names = differing.map(\.name)
        let diff = CaptureComparison.diffText(differing)
        let crashed = state.status == .running || state.status == .compensating
        if crashed, !state.actionsSinceLastCommit.isEmpty {
            return "the capture(s) \(names.joined(separator: ", ")) differ from \(seen); they may come from the interrupted step(s)"
        }
        guard force else {
            throw EngineError(.workspaceChanged, .captureDrift(runID: runID, captures: names, diff: diff, operation: operation))
        }
        var drifted = event(.capturesDrifted)
        drifted.captures = Dictionary(uniqueKeysWithValues: names.map { ($0, "differs") })
        drifted.note = diff
        drifted.error = "forced: \(operation.rawValue) goes on despite captures changed outside Belay"
        note(drifted)
        await keepAsLast(live)
        return "forced: going on despite \(names.count) capture(s) changed outside Belay: \(names.joined(separator: ", "))"
    }
}
