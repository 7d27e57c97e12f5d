import Belay

/// A small recorded run, as journal events: phase `one` (step `a`) completes, step `b` of phase
/// `two` fails, and both steps are compensated before the workspace is restored to `start`.
enum RunEvents {
    static func event(_ kind: JournalEvent.Kind, _ change: (inout JournalEvent) -> Void = { _ in }) -> JournalEvent {
        var event = JournalEvent(seq: 0, time: "2026-11-22T10:00:00.000Z", event: kind)
        change(&event)
        return event
    }

    static func step(_ kind: JournalEvent.Kind, _ phase: String, _ step: String, ms: Int64? = nil,
                     _ change: (inout JournalEvent) -> Void = { _ in }) -> JournalEvent {
        event(kind) { event in
            event.phase = phase
            event.step = step
            event.durationMs = ms
            change(&event)
        }
    }

    static let compensatedRun: [JournalEvent] = [
        event(.runStarted) {
            $0.run = "r1"
            $0.playbook = "deploy"
            $0.workspace = "/srv/site"
            $0.plan = [.init(id: "one", steps: ["a"]), .init(id: "two", steps: ["b"])]
        },
        event(.checkpointRecorded) { $0.point = "start"; $0.commit = "0123456789abcdef" },
        event(.phaseStarted) { $0.phase = "one" },
        step(.stepStarted, "one", "a"),
        step(.stepSucceeded, "one", "a", ms: 12),
        event(.checkpointRecorded) { $0.point = "one"; $0.commit = "fedcba9876543210" },
        event(.phaseCompleted) { $0.phase = "one" },
        event(.phaseStarted) { $0.phase = "two" },
        step(.stepStarted, "two", "b"),
        step(.stepFailed, "two", "b", ms: 5) { $0.error = "exit code 1" },
        step(.compensationStarted, "two", "b"),
        step(.compensationSucceeded, "two", "b", ms: 3),
        step(.compensationStarted, "one", "a"),
        step(.compensationSucceeded, "one", "a", ms: 4),
        event(.workspaceRestored) { $0.point = "start"; $0.commit = "0123456789abcdef" },
        event(.runCompensated) { $0.failedStep = "two/b"; $0.error = "exit code 1" },
    ]

    /// The run's state after `events`, as the engine folds it.
    static func state(_ events: [JournalEvent] = compensatedRun) -> RunState {
        var state = RunState()
        for event in events { state.apply(event) }
        return state
    }
}
