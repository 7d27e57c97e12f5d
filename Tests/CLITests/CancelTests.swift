import Foundation
import Testing

/// `cancel:` runs when a step's action is timed out, before its compensation, with the step's
/// outputs and variables (the pattern for a query a killed client leaves running in a server).
@Suite struct CancelTests {
    @Test func aCancelRunsOnTimeoutBeforeTheCompensation() throws {
        let fixture = try RunFixture(playbook: playbookText(phase("one", steps: tracedStep(
            "migrate", run: #"echo "backend=4242" >> "$BELAY_OUTPUT"; sleep 30"#,
            fields: [
                "timeout: 1s",
                #"cancel: 'echo "$BELAY_STEP:$BELAY_ACTION:$BELAY_OUT_BACKEND:{{ vars.db }}" >> "$TRACE"'"#,
            ])), header: "vars: { db: shop }\n"))
        let result = try fixture.run()
        #expect(result.status == 1, "\(result.output)")
        #expect(fixture.traced == ["migrate:run", "migrate:cancel:4242:shop", "migrate:compensate"])
        let journal = try fixture.journal()
        let cancel = try #require(journal.firstIndex { $0["event"] as? String == "attempt_started" && $0["action"] as? String == "cancel" })
        let compensation = try #require(journal.firstIndex { $0["event"] as? String == "compensation_started" })
        #expect(cancel < compensation)
        let failed = try #require(journal.first { $0["event"] as? String == "step_failed" })
        #expect((failed["error"] as? String)?.contains("timed out") == true)
        #expect((failed["log"] as? String)?.hasSuffix("one.migrate.run.1.log") == true, "the step's log stays the run's")
    }

    @Test func cancelIsRefusedOnAGateStep() throws {
        let fixture = try RunFixture(playbook: playbookText(phase("one", steps: """
                  - id: check
                    gate: { policy: gate.yml }
                    cancel: "true"

            """)))
        let result = try fixture.belay(["validate", fixture.playbook.path])
        #expect(result.status == 2, "\(result.output)")
        #expect(result.output.contains("cancel does not apply to a gate step"), "\(result.output)")
    }
}
