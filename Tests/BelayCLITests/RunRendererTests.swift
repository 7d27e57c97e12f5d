@testable import Belay
@testable import BelayCLI
import Foundation
import Testing

/// The live output of `belay run`, checked without starting the binary.
@Suite struct RunRendererTests {
    @Test func aCompensatedRunShowsItsStepsTheUnwindAndTheRecap() throws {
        let captured = CapturedOutput()
        let renderer = RunRenderer(json: false, workspace: URL(fileURLWithPath: "/srv/site"), output: captured.output)
        for event in RunEvents.compensatedRun { renderer.handle(event) }
        let state = RunEvents.state()
        let failure = try #require(state.failure)
        renderer.finish(RunOutcome(runID: "r1", result: .compensated(failure: failure), state: state))
        #expect(captured.stdout == """
            Belay run r1 · playbook deploy · workspace /srv/site
              ⚑ rollback point start (0123456789)

            ▸ Phase 1/2 one
              ✓ a  12ms
              ⚑ rollback point one (fedcba9876)

            ▸ Phase 2/2 two
              ✗ b  5ms  exit code 1

            ↺ Compensating 2 started steps, newest first
              ↺ two/b compensated  3ms
              ↺ one/a compensated  4ms
              ⟲ workspace restored to the start point (commit 0123456789)

            ✗ Run r1 failed at two/b: exit code 1
              Every started step was compensated and the workspace restored to the start point.
              phases  1/2 completed
              steps   1 ok, 1 failed, 0 warnings, 2 compensated
              points  start, one
              took    0ms

            Next: belay status r1 --workspace /srv/site
                  git --git-dir /srv/site/.belay/git log --oneline refs/belay/runs/r1

            """)
        #expect(captured.stderr.isEmpty)
    }

    @Test func withJSONEveryEventIsOneLineAndThereIsNoRecap() throws {
        let captured = CapturedOutput()
        let renderer = RunRenderer(json: true, workspace: URL(fileURLWithPath: "/srv/site"), output: captured.output)
        for event in RunEvents.compensatedRun { renderer.handle(event) }
        renderer.finish(RunOutcome(runID: "r1", result: .completed, state: RunEvents.state()))
        let lines = captured.stdout.split(separator: "\n")
        #expect(lines.count == RunEvents.compensatedRun.count)
        #expect(lines.first?.contains(#""event":"run_started""#) == true)
    }

    @Test func aTakenOverLockIsToldOnStandardError() {
        let captured = CapturedOutput()
        let renderer = RunRenderer(json: true, workspace: URL(fileURLWithPath: "/srv/site"), output: captured.output)
        renderer.handle(RunEvents.event(.lockTakenOver) { $0.note = "took over the lock of crashed-run" })
        #expect(captured.stderr == "belay: took over the lock of crashed-run\n")
    }
}
