import BelayGate
import BelayGit
import BelayPlaybook
import Foundation
import Testing
@testable import Belay

@Suite struct GateStepEngineTests {
    /// A policy whose only key criterion needs a rehearsal: the lookup decides.
    private func write(_ directory: TemporaryDirectory) throws {
        try "gate: g\ncriteria:\n  - { id: rollback, rehearsal: true, key: true }\n"
            .write(to: directory.file("gate.yml"), atomically: true, encoding: .utf8)
    }

    private func saga(source: String?) -> Saga {
        var saga = Saga("s") {
            Phase("one") {
                Step(id: "check", run: .gate(GateAction(policy: "gate.yml")))
            }
        }
        saga.source = source
        return saga
    }

    @Test func aGateStepLooksUpTheRehearsalOfTheRunsOwnPlaybookContent() async throws {
        let directory = try TemporaryDirectory()
        try write(directory)
        let source = "name: s\n"
        let engine = try Engine(workspace: directory.url, points: InMemoryPoints())
        let blocked = try await engine.run(saga(source: source), options: RunOptions(runID: "r1"))
        #expect(blocked.exitCode == 1)
        #expect(blocked.state.gates[.init(phase: "one", step: "check")]?.decision == "BLOCK")

        let record = RehearsalRecord(
            playbook: "p.yml", name: "s", playbookSHA256: RehearsalStore.digest(Data(source.utf8)), result: "passed",
            run: "x", startedAt: JournalClock.now(), finishedAt: JournalClock.now(), startTree: nil, endTree: nil,
            forward: "completed", compensated: [], failures: [], changedFiles: [], notes: [],
            roots: ["."], files: ReachedFiles.scan(roots: ["."], workspace: directory.url).digests)
        try RehearsalStore(workspace: directory.url).save(record)
        let passed = try await engine.run(saga(source: source), options: RunOptions(runID: "r2"))
        #expect(passed.result == .completed)
        #expect(passed.state.gates[.init(phase: "one", step: "check")]?.decision == "PROCEED")
        #expect(passed.state.gates[.init(phase: "one", step: "check")]?.criteria == ["rollback": "pass"])
        // Another content has no rehearsal.
        let other = try await engine.run(saga(source: "name: s\n# edited\n"), options: RunOptions(runID: "r3"))
        #expect(other.exitCode == 1)
    }

    @Test func theDecisionTravelsAsATrailerOfThePhaseCommit() async throws {
        let directory = try TemporaryDirectory()
        try write(directory)
        let store = try CheckpointStore(workspace: directory.url)
        let handler = StandardGateSteps(enforcesGates: false)  // as in a rehearsal: recorded, never stops
        let outcome = try await Engine(workspace: directory.url, points: GitRollbackPoints(store: store))
            .run(saga(source: nil), options: RunOptions(runID: "r1", gateHandler: handler))
        #expect(outcome.result == .completed)
        let point = try #require(try await store.point(run: "r1", name: "one"))
        #expect(point.trailers["Belay-Gate"] == "check BLOCK")
        #expect(point.message.contains("gate check: BLOCK"))
        #expect(point.message.contains("rollback: missing"))
    }

    @Test func anUnreadablePolicyFailsTheStepWithItsDiagnostics() async throws {
        let directory = try TemporaryDirectory()
        try "gate: g\ncriteria: []\nbogus: 1\n".write(to: directory.file("gate.yml"), atomically: true, encoding: .utf8)
        let outcome = try await Engine(workspace: directory.url, points: InMemoryPoints())
            .run(saga(source: nil), options: RunOptions(runID: "r1"))
        guard case .compensated(let failure?) = outcome.result else {
            Issue.record("expected a compensated run, got \(outcome.result)")
            return
        }
        #expect(failure.error.contains("gate.yml"))
        #expect(failure.error.contains("bogus"))
    }
}
