import Foundation
import Testing

/// While `belay serve` runs, an approval's timeout takes effect at its deadline: nobody resumes.
@Suite struct ServeTimeoutTests {
    @Test func anApprovalThatTimesOutWhileServeRunsFollowsOnTimeoutByItself() throws {
        for (onTimeout, final) in [("approve", "run_completed"), ("reject", "run_compensated")] {
            let fixture = try RunFixture(playbook: approvalPlaybook(timeout: "2s", onTimeout: onTimeout))
            let server = try ServeFixture(fixture)
            #expect(try fixture.run().status == 75)
            #expect(try fixture.event("approval_recorded", step: "go-live") == nil)
            #expect(eventually(60) { (try? fixture.events().last) == final }, "\(onTimeout): \(server.output)")
            let recorded = try #require(try fixture.event("approval_recorded", step: "go-live"))
            #expect(recorded["by"] as? String == "timeout")
            #expect((recorded["note"] as? String)?.contains("on_timeout: \(onTimeout)") == true)
            let requested = try #require(try fixture.event("approval_requested", step: "go-live"))
            // Not before the deadline.
            #expect((recorded["time"] as? String ?? "") >= (requested["deadline"] as? String ?? "~"))
            #expect(fixture.traced == (onTimeout == "approve" ? ["a:run", "b:run"] : ["a:run", "a:compensate"]))
            #expect(server.output.contains("run r1: its approval's deadline passed"))
        }
    }
}
