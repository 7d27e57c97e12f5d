import Foundation
import Testing
@testable import Belay

private func event(_ kind: JournalEvent.Kind, _ phase: String? = nil, _ step: String? = nil, seq: Int) -> JournalEvent {
    var event = JournalEvent(seq: seq, time: "2026-11-21T15:30:0\(seq % 10).000Z", event: kind)
    event.phase = phase
    event.step = step
    return event
}

@Suite struct RunStateTests {
    let plan = [
        JournalEvent.PlannedPhase(id: "a", steps: ["one", "two"]),
        JournalEvent.PlannedPhase(id: "b", parallel: true, steps: ["three"]),
    ]

    func started() -> JournalEvent {
        var started = event(.runStarted, seq: 1)
        started.run = "r1"
        started.playbook = "demo"
        started.plan = plan
        return started
    }

    @Test func planGivesEveryStepPending() {
        let state = RunState.fold([started()])
        #expect(state.runID == "r1")
        #expect(state.status == .running)
        #expect(state.phases.map(\.id) == ["a", "b"])
        #expect(state.phases.flatMap(\.steps).allSatisfy { $0.status == .pending })
    }

    @Test func successfulRunFoldsToCompleted() {
        var checkpoint = event(.checkpointRecorded, "a", seq: 7)
        checkpoint.point = "a"
        checkpoint.commit = "c0ffee"
        var attempt = event(.attemptStarted, "a", "one", seq: 4)
        attempt.action = .run
        attempt.attempt = 2
        var succeeded = event(.stepSucceeded, "a", "one", seq: 5)
        succeeded.durationMs = 42
        succeeded.outputs = ["id": "7"]
        let state = RunState.fold([
            started(), event(.phaseStarted, "a", seq: 2), event(.stepStarted, "a", "one", seq: 3), attempt, succeeded,
            event(.phaseCompleted, "a", seq: 6), checkpoint, event(.runCompleted, seq: 8),
        ])
        #expect(state.status == .completed)
        #expect(state.isFinished)
        let one = state.step(.init(phase: "a", step: "one"))
        #expect(one?.status == .succeeded)
        #expect(one?.attempts == 2)
        #expect(one?.durationMs == 42)
        #expect(one?.outputs == ["id": "7"])
        #expect(state.phase("a")?.status == .completed)
        #expect(state.phase("a")?.checkpoint == "c0ffee")
        #expect(state.points == ["a": "c0ffee"])
        #expect(state.durationMs == 7000)
    }

    /// `step` and `phase` answer from the fold's index (the step changed last, the remembered
    /// ones) or by searching; whichever way, each key finds its own step.
    @Test func lookupsFindEachStepWhicheverWayTheyAsk() {
        var state = RunState.fold([
            started(), event(.stepStarted, "a", "one", seq: 2), event(.stepSucceeded, "a", "one", seq: 3),
            event(.stepStarted, "b", "three", seq: 4), event(.stepFailed, "b", "three", seq: 5),
        ])
        #expect(state.step(.init(phase: "b", step: "three"))?.status == .failed)  // the step changed last
        #expect(state.step(.init(phase: "a", step: "one"))?.status == .succeeded)  // another phase
        #expect(state.step(.init(phase: "a", step: "two"))?.status == .pending)  // never touched: searched
        #expect(state.step(.init(phase: "a", step: "three")) == nil)
        #expect(state.step(.init(phase: "c", step: "one")) == nil)
        #expect(state.phase("b")?.steps.map(\.id) == ["three"])
        #expect(state.phase("c") == nil)
        state.apply(event(.stepStarted, "a", "two", seq: 6))
        #expect(state.step(.init(phase: "a", step: "two"))?.status == .running)
        #expect(state.step(.init(phase: "b", step: "three"))?.status == .failed)
    }

    @Test func pendingCompensationsAreNewestFirstAndShrinkAsTheyComplete() {
        var failed = event(.stepFailed, "a", "two", seq: 5)
        failed.error = "exit code 1"
        var events = [
            started(), event(.stepStarted, "a", "one", seq: 2), event(.stepSucceeded, "a", "one", seq: 3),
            event(.stepStarted, "a", "two", seq: 4), failed,
        ]
        var state = RunState.fold(events)
        #expect(state.failure?.step == .init(phase: "a", step: "two"))
        #expect(state.pendingCompensations.map(\.step) == ["two", "one"])
        events += [event(.compensationStarted, "a", "two", seq: 6), event(.compensationSucceeded, "a", "two", seq: 7)]
        state = RunState.fold(events)
        #expect(state.status == .compensating)
        #expect(state.pendingCompensations.map(\.step) == ["one"])
        #expect(state.step(.init(phase: "a", step: "two"))?.status == .compensated)
        events += [event(.compensationStarted, "a", "one", seq: 8), event(.compensationFailed, "a", "one", seq: 9),
                   event(.runStuck, "a", "one", seq: 10)]
        state = RunState.fold(events)
        #expect(state.status == .stuck)
        #expect(state.stuckAt == .init(phase: "a", step: "one"))
        #expect(state.step(.init(phase: "a", step: "one"))?.status == .compensationFailed)
        #expect(state.pendingCompensations.map(\.step) == ["one"])
        events.append(event(.stepResolved, "a", "one", seq: 11))
        state = RunState.fold(events)
        #expect(state.pendingCompensations.isEmpty)
        #expect(state.stuckAt == nil)
        #expect(state.phase("a")?.status == .compensated)
    }

    @Test func aStartedStepWithoutOutcomeIsInFlight() {
        let state = RunState.fold([started(), event(.stepStarted, "a", "one", seq: 2)])
        #expect(state.inFlightSteps == [.init(phase: "a", step: "one")])
        #expect(state.pendingCompensations == [.init(phase: "a", step: "one")])
    }

    @Test func irreversibleStepsAreSettledBySkipping() {
        let state = RunState.fold([
            started(), event(.stepStarted, "a", "one", seq: 2), event(.stepSucceeded, "a", "one", seq: 3),
            event(.compensationSkipped, "a", "one", seq: 4),
        ])
        #expect(state.pendingCompensations.isEmpty)
        #expect(state.step(.init(phase: "a", step: "one"))?.compensation == .skipped)
    }

    @Test func nonCriticalFailureIsAWarningNotTheRunsFailure() {
        let state = RunState.fold([
            started(), event(.stepStarted, "a", "one", seq: 2), event(.stepWarning, "a", "one", seq: 3),
        ])
        #expect(state.failure == nil)
        #expect(state.step(.init(phase: "a", step: "one"))?.warning == true)
        #expect(state.step(.init(phase: "a", step: "one"))?.status == .failed)
    }

    @Test func pausedAndFailedEndings() {
        #expect(RunState.fold([started(), event(.runPaused, seq: 2)]).status == .paused)
        #expect(RunState.fold([started(), event(.runFailed, seq: 2)]).status == .failed)
        #expect(RunState.fold([started(), event(.runCompensated, seq: 2)]).status == .compensated)
    }
}
