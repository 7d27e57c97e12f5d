import Foundation
import Synchronization
import Testing
@testable import Belay

/// Every state a journal can fold to maps to exactly one `ResumePlan`, and what the plan says is
/// what a resume does.
@Suite struct ResumePlanTests {
    private var seq = 0

    private mutating func event(_ kind: JournalEvent.Kind, _ phase: String? = nil, _ step: String? = nil,
                                _ change: (inout JournalEvent) -> Void = { _ in }) -> JournalEvent {
        seq += 1
        var event = JournalEvent(seq: seq, time: "2026-11-21T15:30:00.000Z", event: kind)
        event.phase = phase
        event.step = step
        change(&event)
        return event
    }

    private mutating func prefix() -> [JournalEvent] {
        [
            event(.runStarted) {
                $0.run = "r1"
                $0.plan = [.init(id: "a", steps: ["one", "two"]), .init(id: "b", steps: ["three"])]
            },
            event(.checkpointRecorded) { $0.point = "start"; $0.commit = "c1" },
            event(.phaseStarted, "a"),
            event(.stepStarted, "a", "one") { $0.action = .run; $0.attempt = 1 },
        ]
    }

    private let one = RunState.StepKey(phase: "a", step: "one")
    private let two = RunState.StepKey(phase: "a", step: "two")

    @Test mutating func endedRunsHaveNothingToResume() {
        let state = RunState.fold(prefix() + [event(.stepSucceeded, "a", "one"), event(.runCompleted)])
        #expect(state.resumePlan == .nothing(ended: .completed))
        #expect(state.resumeStart.hasPrefix("nothing: the run has ended (completed)"))
    }

    @Test mutating func aStepWithNoOutcomeIsSettled() {
        let state = RunState.fold(prefix())
        #expect(state.resumePlan == .forward(.settle(one)))
        #expect(state.resumeStart.contains("a/one, whose outcome is unknown"))
    }

    @Test mutating func aPausedFailureIsRetried() {
        let state = RunState.fold(prefix() + [event(.stepFailed, "a", "one") { $0.error = "boom" }, event(.runPaused)])
        #expect(state.resumePlan == .forward(.retry(one)))
        #expect(state.resumeStart == "a/one, run again (it failed)")
    }

    @Test mutating func theNextStepRunsAfterADoneOne() {
        let state = RunState.fold(prefix() + [event(.stepSucceeded, "a", "one")])
        #expect(state.resumePlan == .forward(.step(two)))
    }

    @Test mutating func aPhaseWithEveryStepDoneRecordsItsPoint() {
        let events = prefix() + [
            event(.stepSucceeded, "a", "one"), event(.stepStarted, "a", "two"), event(.stepSucceeded, "a", "two"),
        ]
        #expect(RunState.fold(events).resumePlan == .forward(.recordPoint(phase: "a")))
    }

    @Test mutating func aCrashBetweenAFailureAndItsPolicyAppliesThePolicy() {
        let state = RunState.fold(prefix() + [event(.stepFailed, "a", "one") { $0.error = "boom" }])
        guard case .applyFailurePolicy(let failure) = state.resumePlan else {
            Issue.record("\(state.resumePlan)")
            return
        }
        #expect(failure.step == one)
    }

    @Test mutating func aPausedUnknownOutcomeUnwinds() {
        let state = RunState.fold(prefix() + [
            event(.stepFailed, "a", "one") { $0.outcomeUnknown = true; $0.error = "killed" }, event(.runPaused),
        ])
        guard case .unwindUnknownOutcome(let failure) = state.resumePlan else {
            Issue.record("\(state.resumePlan)")
            return
        }
        #expect(failure.step == one)
    }

    @Test mutating func anUnwindUnderWayCarriesOn() {
        let state = RunState.fold(prefix() + [
            event(.stepFailed, "a", "one"), event(.compensationStarted, "a", "one"),
        ])
        #expect(state.resumePlan == .continueUnwind(next: one))
        #expect(state.resumeStart == "the unwind, at the compensation of a/one")
    }

    @Test mutating func aRollbackUnderWayCarriesOnToItsTarget() {
        let state = RunState.fold(prefix() + [
            event(.stepSucceeded, "a", "one"), event(.rollbackStarted) { $0.point = "start" },
        ])
        #expect(state.resumePlan == .continueRollback(to: "start", next: one))
    }

    /// What `status` describes is what `resume` does: a paused failure is retried, first.
    @Test func theEngineDoesWhatThePlanSays() async throws {
        let directory = try TemporaryDirectory()
        let trace = Trace()
        let failing = Mutex(true)
        let saga = Saga("s") {
            Phase("a") {
                Step("one", run: { _ in trace.add("one") }, compensate: { _ in trace.add("undo one") })
                Step("two", run: { _ in
                    trace.add("two")
                    if failing.withLock({ $0 }) { throw Boom() }
                }, compensate: { _ in trace.add("undo two") })
            }
        }
        let engine = Engine(workspace: directory.url, stores: .inMemory(workspace: directory.url))
        let paused = try await engine.run(saga, options: RunOptions(runID: "r1", onFailure: .pause))
        #expect(paused.exitCode == 75)
        let plan = try engine.state(of: "r1").resumePlan
        #expect(plan == .forward(.retry(.init(phase: "a", step: "two"))))
        failing.withLock { $0 = false }
        let resumed = try await engine.resume("r1", saga: saga)
        #expect(resumed.result == .completed)
        #expect(trace.all == ["one", "two", "two"])
    }
}
