import Foundation
import Testing
@testable import Belay

@Suite struct OperateEngineTests {
    func saga(_ trace: Trace, failing: String? = nil) -> Saga {
        Saga("ops") {
            for phase in ["one", "two", "three"] {
                Phase(phase) {
                    for step in ["x", "y"] {
                        Step("\(phase)-\(step)", run: { _ in
                            trace.add("run \(phase)/\(step)")
                            if "\(phase)/\(step)" == failing { throw Boom() }
                        }, compensate: { _ in trace.add("undo \(phase)/\(step)") })
                    }
                }
            }
        }
    }

    @Test func rollbackCompensatesLaterPhasesNewestFirstAndEndsRolledBack() async throws {
        let directory = try TemporaryDirectory()
        let points = InMemoryPoints()
        let trace = Trace()
        let engine = try Engine(workspace: directory.url, points: points)
        #expect(try await engine.run(saga(trace), options: RunOptions(runID: "r1")).result == .completed)
        let plan = try await engine.planRollback("r1", to: "one", saga: saga(trace))
        #expect(plan.compensations.map(\.step.description) == ["three/three-y", "three/three-x", "two/two-y", "two/two-x"])
        let outcome = try await engine.rollback("r1", to: "two", saga: saga(trace))
        #expect(outcome.result == .rolledBack(to: "two"))
        #expect(outcome.exitCode == 0)
        #expect(outcome.state.status == .rolledBack && outcome.state.rolledBackTo == "two")
        #expect(points.restoredPoints == ["two"])
        let again = try await engine.rollback("r1", to: "one", saga: saga(trace))
        #expect(again.result == .rolledBack(to: "one"))
        #expect(trace.all.filter { $0.hasPrefix("undo") } == ["undo three/y", "undo three/x", "undo two/y", "undo two/x"])
        await #expect(throws: EngineError.self) { try await engine.rollback("r1", to: "two", saga: saga(trace)) }
        await #expect(throws: EngineError.self) { try await engine.rollback("r1", to: "fuor", saga: saga(trace)) }
    }

    @Test func skippedPhasesAreJournaledAndNeverCompensated() async throws {
        let directory = try TemporaryDirectory()
        let trace = Trace()
        let engine = try Engine(workspace: directory.url, points: InMemoryPoints())
        var options = RunOptions(runID: "r1")
        options.phases = PhaseSelection(skip: ["two"])
        let outcome = try await engine.run(saga(trace, failing: "three/y"), options: options)
        guard case .compensated = outcome.result else { Issue.record("\(outcome.result)"); return }
        #expect(outcome.state.phase("two")?.status == .skipped)
        #expect(outcome.state.phase("two")?.skipNote?.contains("skipped on request") == true)
        #expect(!trace.all.contains { $0.contains("two/") })
    }

    @Test func stopAfterPhasePausesAndResumeRunsTheRest() async throws {
        let directory = try TemporaryDirectory()
        let trace = Trace()
        let engine = try Engine(workspace: directory.url, points: InMemoryPoints())
        var options = RunOptions(runID: "r1")
        options.phases = PhaseSelection(stopAfter: "one")
        let outcome = try await engine.run(saga(trace), options: options)
        guard case .pausedOnRequest = outcome.result else { Issue.record("\(outcome.result)"); return }
        #expect(outcome.exitCode == 75)
        let resumed = try await engine.resume("r1", saga: saga(trace))
        #expect(resumed.result == .completed)
        #expect(trace.all.count == 6)
    }

    @Test func anInterruptionRequestedBeforeAPhasePausesTheRun() async throws {
        let directory = try TemporaryDirectory()
        let trace = Trace()
        let interruption = RunInterruption()
        let saga = Saga("ops") {
            Phase("one") { Step("a", run: { _ in trace.add("a"); interruption.request() }) }
            Phase("two") { Step("b", run: { _ in trace.add("b") }) }
        }
        var options = RunOptions(runID: "r1")
        options.interruption = interruption
        let engine = try Engine(workspace: directory.url, points: InMemoryPoints())
        let outcome = try await engine.run(saga, options: options)
        guard case .pausedOnRequest(let reason) = outcome.result else { Issue.record("\(outcome.result)"); return }
        #expect(reason.contains("in flight finished"))
        #expect(trace.all == ["a"])
        #expect(outcome.state.phase("one")?.status == .completed)
        #expect(try await engine.resume("r1", saga: saga).result == .completed)
        #expect(trace.all == ["a", "b"])
    }

    @Test func phaseSelectionRejectsUnknownPhasesWithASuggestion() throws {
        #expect(throws: EngineError.self) { try PhaseSelection(only: "tow").validate(phaseIDs: ["one", "two"]) }
        do { try PhaseSelection(skip: ["deplyo"]).validate(phaseIDs: ["build", "deploy"]) } catch {
            #expect("\(error)".contains("did you mean 'deploy'"))
        }
        let selection = PhaseSelection(startAt: "two")
        #expect(selection.skipReason(for: "one", in: ["one", "two"])?.contains("assumed already complete") == true)
        #expect(selection.skipReason(for: "two", in: ["one", "two"]) == nil)
    }

    @Test func theFoldTracksRollbacksAndResolves() {
        var events: [JournalEvent] = []
        func add(_ kind: JournalEvent.Kind, phase: String? = nil, step: String? = nil, point: String? = nil) {
            var event = JournalEvent(seq: events.count + 1, time: "2026-01-01T00:00:00.000Z", event: kind)
            event.phase = phase
            event.step = step
            event.point = point
            if kind == .stepResolved { event.note = "done by hand"; event.by = "alice" }
            events.append(event)
        }
        add(.stepStarted, phase: "one", step: "a")
        add(.stepSucceeded, phase: "one", step: "a")
        add(.rollbackStarted, point: "start")
        add(.compensationStarted, phase: "one", step: "a")
        add(.compensationFailed, phase: "one", step: "a")
        add(.runStuck)
        var state = RunState.fold(events)
        #expect(state.status == .stuck && state.rollbackTarget == "start" && state.unwindPending)
        #expect(state.resumeStart.contains("rollback to start, at the compensation of one/a"))
        add(.stepResolved, phase: "one", step: "a")
        add(.runRolledBack, point: "start")
        state = RunState.fold(events)
        #expect(state.status == .rolledBack && state.rolledBackTo == "start" && state.rollbackTarget == nil)
        #expect(state.step(.init(phase: "one", step: "a"))?.resolvedBy == "alice")
        #expect(state.compensations(rollingBackTo: "start").isEmpty)
    }
}
