import Foundation
import Testing
@testable import Belay

private struct Bucket: Codable, Sendable, Hashable {
    var name: String
}

@Suite struct EngineTests {
    func engine(_ directory: TemporaryDirectory, points: InMemoryPoints = InMemoryPoints()) throws -> Engine {
        try Engine(workspace: directory.url, points: points)
    }

    @Test func codeDefinedSagaCompletesAndRecordsPoints() async throws {
        let directory = try TemporaryDirectory()
        let points = InMemoryPoints()
        let trace = Trace()
        let saga = Saga("provision") {
            Phase("storage") {
                Step("bucket", run: { ctx in
                    trace.add("run \(ctx.step) attempt \(ctx.attempt)")
                    return Bucket(name: "b-\(ctx.runID)")
                }, compensate: { _, bucket in trace.add("undo \(bucket?.name ?? "nil")") })
            }
            Phase("app") {
                Step("deploy", run: { _ in trace.add("run deploy") }, compensate: { _ in trace.add("undo deploy") })
            }
        }
        let outcome = try await engine(directory, points: points).run(saga, options: RunOptions(runID: "r1"))
        #expect(outcome.result == .completed)
        #expect(outcome.exitCode == 0)
        #expect(trace.all == ["run bucket attempt 1", "run deploy"])
        #expect(points.recorded.map(\.point) == ["start", "storage", "app"])
        #expect(outcome.state.step(.init(phase: "storage", step: "bucket"))?.value == #"{"name":"b-r1"}"#)
        #expect(outcome.state.phases.map(\.status) == [.completed, .completed])
        let onDisk = try Engine(workspace: directory.url).state(of: "r1")
        #expect(onDisk == outcome.state)
        #expect(WorkspaceLock.holder(workspace: directory.url) == nil)
    }

    @Test func failureCompensatesEveryStartedStepInReverseWithTheirValues() async throws {
        let directory = try TemporaryDirectory()
        let points = InMemoryPoints()
        let trace = Trace()
        let saga = Saga("provision") {
            Phase("one") {
                Step("a", run: { _ in trace.add("run a"); return Bucket(name: "A") },
                     compensate: { _, value in trace.add("undo a \(value?.name ?? "nil")") })
                Step("b", run: { _ in trace.add("run b"); return Bucket(name: "B") },
                     compensate: { _, value in trace.add("undo b \(value?.name ?? "nil")") })
            }
            Phase("two") {
                Step("c", run: { _ in trace.add("run c") })  // irreversible
                Step("d", run: { _ -> Bucket in trace.add("run d"); throw Boom() },
                     compensate: { _, value in trace.add("undo d \(value?.name ?? "nil")") })
                Step("e", run: { _ in trace.add("run e") }, compensate: { _ in trace.add("undo e") })
            }
        }
        let outcome = try await engine(directory, points: points).run(saga, options: RunOptions(runID: "r2"))
        guard case .compensated(let failure?) = outcome.result else {
            Issue.record("expected compensated, got \(outcome.result)")
            return
        }
        #expect(failure.step == .init(phase: "two", step: "d"))
        #expect(failure.error == "boom")
        #expect(outcome.exitCode == 1)
        #expect(trace.all == ["run a", "run b", "run c", "run d", "undo d nil", "undo b B", "undo a A"])
        #expect(points.restoredPoints == ["start"])
        #expect(outcome.state.status == .compensated)
        #expect(outcome.state.restored)
        #expect(outcome.state.step(.init(phase: "two", step: "c"))?.compensation == .skipped)
        #expect(outcome.state.step(.init(phase: "two", step: "e"))?.status == .pending)
    }

    @Test func aFailingCompensationLeavesTheRunStuck() async throws {
        let directory = try TemporaryDirectory()
        let trace = Trace()
        let saga = Saga("s") {
            Phase("p") {
                Step("a", run: { _ in trace.add("run a") }, compensate: { _ in trace.add("undo a") })
                Step("b", retry: RetryPolicy(attempts: 2, delay: .milliseconds(1)),
                     run: { _ in trace.add("run b") }, compensate: { ctx in trace.add("undo b \(ctx.attempt)"); throw Boom() })
                Step("c", run: { _ in throw Boom() }, compensate: { _ in trace.add("undo c") })
            }
        }
        let points = InMemoryPoints()
        let outcome = try await engine(directory, points: points).run(saga, options: RunOptions(runID: "r3"))
        #expect(outcome.result == .stuck(
            failure: .init(step: .init(phase: "p", step: "c"), error: "boom", log: outcome.state.failure?.log),
            at: .compensation(.init(phase: "p", step: "b"))))
        #expect(outcome.exitCode == 3)
        // c: its run attempt and its compensation; b's compensation tried twice; a never reached.
        #expect(trace.all == ["run a", "run b", "undo c", "undo b 1", "undo b 2"])
        #expect(points.restoredPoints.isEmpty)
        #expect(outcome.state.status == .stuck)
        #expect(outcome.state.pendingCompensations.map(\.step) == ["b", "a"])
    }

    @Test func retriesUntilTheThirdAttemptSucceeds() async throws {
        let directory = try TemporaryDirectory()
        let saga = Saga("s") {
            Phase("p") {
                Step("flaky", retry: RetryPolicy(attempts: 3, delay: .milliseconds(1)), run: { ctx in
                    if ctx.attempt < 3 { throw Boom() }
                    return ctx.attempt
                }, compensate: { _, _ in })
            }
        }
        let outcome = try await engine(directory).run(saga)
        #expect(outcome.result == .completed)
        #expect(outcome.state.step(.init(phase: "p", step: "flaky"))?.attempts == 3)
        #expect(outcome.state.step(.init(phase: "p", step: "flaky"))?.value == "3")
    }

    @Test func pauseAndStopCompensateNothing() async throws {
        for policy in [FailurePolicy.pause, .stop] {
            let directory = try TemporaryDirectory()
            let trace = Trace()
            let saga = Saga("s") {
                Phase("p") {
                    Step("a", run: { _ in trace.add("run a") }, compensate: { _ in trace.add("undo a") })
                    Step("b", run: { _ in throw Boom() }, compensate: { _ in trace.add("undo b") })
                }
            }
            let outcome = try await engine(directory).run(saga, options: RunOptions(onFailure: policy))
            #expect(trace.all == ["run a"])
            #expect(outcome.exitCode == (policy == .pause ? 75 : 1))
            #expect(outcome.state.status == (policy == .pause ? .paused : .failed))
        }
    }

    @Test func nonCriticalFailureIsAWarningAndTheRunGoesOn() async throws {
        let directory = try TemporaryDirectory()
        let trace = Trace()
        let saga = Saga("s") {
            Phase("p") {
                Step("optional", critical: false, run: { _ in throw Boom() }, compensate: { _ in })
                Step("after", run: { _ in trace.add("after") }, compensate: { _ in })
            }
        }
        let outcome = try await engine(directory).run(saga)
        #expect(outcome.result == .completed)
        #expect(trace.all == ["after"])
        #expect(outcome.state.step(.init(phase: "p", step: "optional"))?.warning == true)
    }

    @Test func parallelPhaseRunsStepsConcurrentlyWithinTheBound() async throws {
        let directory = try TemporaryDirectory()
        let gauge = ConcurrencyGauge()
        let saga = Saga("s") {
            Phase("fan", parallel: true, maxParallel: 2) {
                for index in 0..<6 {
                    Step("s\(index)", run: { _ in
                        await gauge.enter()
                        try await Task.sleep(for: .milliseconds(30))
                        await gauge.leave()
                    }, compensate: { _ in })
                }
            }
        }
        let outcome = try await engine(directory).run(saga)
        #expect(outcome.result == .completed)
        let peak = await gauge.peak
        #expect(peak == 2)
    }

    @Test func aParallelFailureCompensatesTheStartedStepsOnly() async throws {
        let directory = try TemporaryDirectory()
        let trace = Trace()
        let saga = Saga("s") {
            Phase("fan", parallel: true, maxParallel: 1) {
                Step("a", run: { _ in trace.add("run a") }, compensate: { _ in trace.add("undo a") })
                Step("b", run: { _ in throw Boom() }, compensate: { _ in trace.add("undo b") })
                Step("c", run: { _ in trace.add("run c") }, compensate: { _ in trace.add("undo c") })
            }
        }
        let outcome = try await engine(directory).run(saga)
        #expect(outcome.exitCode == 1)
        #expect(!trace.all.contains("run c"))
        #expect(Set(trace.all.filter { $0.hasPrefix("undo") }) == ["undo a", "undo b"])
        #expect(outcome.state.step(.init(phase: "fan", step: "c"))?.status == .pending)
    }

    @Test func aTimeoutFailsACodeStep() async throws {
        let directory = try TemporaryDirectory()
        let saga = Saga("s") {
            Phase("p") {
                Step("slow", timeout: .milliseconds(50), run: { _ in try await Task.sleep(for: .seconds(30)) },
                     compensate: { _ in })
            }
        }
        let outcome = try await engine(directory).run(saga)
        guard case .compensated(let failure?) = outcome.result else {
            Issue.record("expected compensated, got \(outcome.result)")
            return
        }
        #expect(failure.error.contains("timed out"))
    }

    @Test func shellStepsGetVariablesOutputsAndTheirOwnOutputsOnCompensation() async throws {
        let directory = try TemporaryDirectory()
        let trace = directory.file("trace.txt").path
        var saga = Saga("s", vars: ["trace": trace, "odd-name": "x y"]) {
            Phase("p") {
                Step("make", command: #"echo "id=42" >> "$BELAY_OUTPUT"; echo "run:$BELAY_VAR_ODD_NAME" >> {{ vars.trace }}"#,
                     compensate: #"echo "undo make:$BELAY_OUT_ID" >> "$BELAY_VAR_TRACE""#)
                Step("use", command: #"echo "use:{{ steps.p.make.id }}" >> {{ vars.trace }}; exit 3"#,
                     compensate: #"echo "undo use:$BELAY_ACTION:$BELAY_ATTEMPT" >> {{ vars.trace }}"#)
            }
        }
        saga.env = ["EXTRA": "1"]
        let outcome = try await engine(directory).run(saga, options: RunOptions(runID: "shell"))
        #expect(outcome.exitCode == 1)
        let lines = try String(contentsOfFile: trace, encoding: .utf8).split(separator: "\n")
        #expect(lines == ["run:x y", "use:42", "undo use:compensate:1", "undo make:42"])
        #expect(outcome.state.step(.init(phase: "p", step: "make"))?.outputs == ["id": "42"])
        #expect(outcome.state.failure?.error == "exit code 3")
        let log = try #require(outcome.state.failure?.log)
        #expect(log == ".belay/runs/shell/logs/p.use.run.1.log")
    }

    @Test func aSecondRunInALockedWorkspaceIsRefused() async throws {
        let directory = try TemporaryDirectory()
        let gate = AsyncGate()
        let saga = Saga("s") {
            Phase("p") { Step("wait", run: { _ in await gate.wait() }, compensate: { _ in }) }
        }
        let engine = try engine(directory)
        let first = Task { try await engine.run(saga, options: RunOptions(runID: "first")) }
        while WorkspaceLock.holder(workspace: directory.url) == nil { try await Task.sleep(for: .milliseconds(5)) }
        await #expect(throws: EngineError.self) {
            try await engine.run(saga, options: RunOptions(runID: "second"))
        }
        await gate.open()
        #expect(try await first.value.result == .completed)
    }
}

actor ConcurrencyGauge {
    private var current = 0
    private(set) var peak = 0
    func enter() {
        current += 1
        peak = max(peak, current)
    }
    func leave() { current -= 1 }
}

actor AsyncGate {
    private var isOpen = false
    private var waiters: [CheckedContinuation<Void, Never>] = []
    func wait() async {
        if isOpen { return }
        await withCheckedContinuation { waiters.append($0) }
    }
    func open() {
        isOpen = true
        for waiter in waiters { waiter.resume() }
        waiters = []
    }
}
