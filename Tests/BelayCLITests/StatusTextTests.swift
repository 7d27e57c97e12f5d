import Belay
@testable import BelayCLI
import Testing

/// `belay status`, for people and as JSON, from a folded journal.
@Suite struct StatusTextTests {
    @Test func aCompensatedRunListsItsPhasesStepsAndPoints() {
        let text = StatusText.render(RunEvents.state(), runID: "r1", output: CapturedOutput().output)
        #expect(text == """
            Run r1 · deploy · compensated
              started 2026-11-22T10:00:00.000Z · took 0ms · workspace /srv/site
              failed at two/b: exit code 1
              ▸ one  compensated  point fedcba9876
                  ↺ a  compensated, 12ms
              ▸ two  compensated
                  ↺ b  compensated, 5ms — exit code 1
              points: start, one

            """)
    }

    @Test func theJSONKeepsTheContractsKeysInOrder() {
        let json = StatusJSON.object(runID: "r1", state: RunEvents.state()).rendered(pretty: false)
        #expect(json.hasPrefix(#"{"run":"r1","playbook":"deploy","status":"compensated","phases":[{"id":"one","#))
    }
}
