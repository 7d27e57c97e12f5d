import BelayGate
import BelayPlaybook
import Foundation
import Testing
@testable import Belay

/// Answers every approval the same way, and counts the questions.
private struct FixedAnswers: GateStepHandler {
    var answer: ApprovalAnswer?
    let asked = Trace()

    func evaluate(_ gate: GateAction, context: StepContext, rehearsal: RehearsalLookup?) async throws -> GateReport {
        throw GateStepError(message: "no gates here")
    }

    func answer(_ request: ApprovalRequest, context: StepContext) async -> ApprovalAnswer? {
        asked.add(request.message)
        return answer
    }
}

@Suite struct ApprovalEngineTests {
    private func saga(_ trace: Trace) -> Saga {
        Saga("release", vars: ["version": "2.0"]) {
            Phase("one") {
                Step("a", run: { _ in trace.add("run a") }, compensate: { _ in trace.add("undo a") })
                Step(id: "ok", run: .approval(ApprovalAction(message: "Ship {{ vars.version }}?")))
                Step("b", run: { _ in trace.add("run b") }, compensate: { _ in trace.add("undo b") })
            }
        }
    }

    @Test func anAnswerGivenInProcessIsJournaledAndTheRunGoesOn() async throws {
        let directory = try TemporaryDirectory()
        let trace = Trace()
        let handler = FixedAnswers(answer: ApprovalAnswer(approved: true, by: "ana", comment: "go"))
        let outcome = try await Engine(workspace: directory.url, points: InMemoryPoints())
            .run(saga(trace), options: RunOptions(runID: "r1", gateHandler: handler))
        #expect(outcome.result == .completed)
        #expect(handler.asked.all == ["Ship 2.0?"])  // plain text, not shell-quoted
        #expect(trace.all == ["run a", "run b"])
        let approval = try #require(outcome.state.approvals[.init(phase: "one", step: "ok")])
        #expect(approval.decision == "approved" && approval.by == "ana" && approval.comment == "go")
        #expect(approval.settled)
        #expect(outcome.state.waitingApproval == nil)
    }

    @Test func aRejectionFailsTheStepAndCompensates() async throws {
        let directory = try TemporaryDirectory()
        let trace = Trace()
        let handler = FixedAnswers(answer: ApprovalAnswer(approved: false, by: "bob"))
        let outcome = try await Engine(workspace: directory.url, points: InMemoryPoints())
            .run(saga(trace), options: RunOptions(runID: "r1", gateHandler: handler))
        guard case .compensated(let failure?) = outcome.result else {
            Issue.record("expected a compensated run, got \(outcome.result)")
            return
        }
        #expect(failure.step == .init(phase: "one", step: "ok"))
        #expect(failure.error == "rejected by bob")
        #expect(trace.all == ["run a", "undo a"])
    }

    @Test func withNobodyToAskTheRunWaitsAndADecisionFromOutsideIsUsedOnResume() async throws {
        let directory = try TemporaryDirectory()
        let trace = Trace()
        let engine = try Engine(workspace: directory.url, points: InMemoryPoints())
        let waiting = try await engine.run(saga(trace), options: RunOptions(runID: "r1"))
        #expect(waiting.exitCode == 75)
        #expect(waiting.state.status == .waitingApproval)
        #expect(waiting.waitingApproval == .init(phase: "one", step: "ok"))

        let (step, event) = try ApprovalDecision.record(
            run: "r1", workspace: directory.url, approved: true, by: "ana", comment: "fine")
        #expect(step == .init(phase: "one", step: "ok"))
        #expect(event.event == .approvalRecorded && event.seq == waiting.state.lastSeq + 1)
        #expect(throws: EngineError.self) {
            try ApprovalDecision.record(run: "r1", workspace: directory.url, approved: false, by: "bob", comment: nil)
        }

        let resumed = try await engine.resume("r1", saga: saga(trace), options: RunOptions())
        #expect(resumed.result == .completed)
        #expect(trace.all == ["run a", "run b"])
        #expect(resumed.state.approvals[step]?.by == "ana")
    }
}

@Suite struct ApprovalStateTests {
    @Test func theFoldTracksRequestDecisionAndSettlement() {
        let key = RunState.StepKey(phase: "p", step: "s")
        func event(_ kind: JournalEvent.Kind, _ change: (inout JournalEvent) -> Void = { _ in }) -> JournalEvent {
            var event = JournalEvent(seq: 1, time: "2026-11-22T00:00:00.000Z", event: kind)
            event.phase = "p"
            event.step = "s"
            change(&event)
            return event
        }
        var state = RunState()
        state.apply(event(.approvalRequested) { $0.note = "Go?"; $0.deadline = "2026-11-22T01:00:00.000Z" })
        state.apply(event(.runWaiting))
        #expect(state.status == .waitingApproval)
        #expect(state.waitingApproval == key)
        #expect(state.approvals[key]?.deadlineDate == JournalClock.parse("2026-11-22T01:00:00.000Z"))
        state.apply(event(.approvalRecorded) { $0.decision = .rejected; $0.by = "bob" })
        #expect(state.waitingApproval == nil)
        #expect(state.approvals[key]?.approved == false)
        #expect(state.approvals[key]?.settled == false)
        state.apply(event(.stepFailed) { $0.error = "rejected by bob" })
        #expect(state.approvals[key]?.settled == true)
    }

    @Test func sha256MatchesTheStandardVectors() {
        #expect(SHA256.hex(of: Data()) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(SHA256.hex(of: Data("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(SHA256.hex(of: Data("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8))
            == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
    }
}
