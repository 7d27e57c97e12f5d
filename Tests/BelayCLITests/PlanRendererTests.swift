@testable import BelayCLI
import BelayPlaybook
import Testing

/// `belay plan`, from a small playbook.
@Suite struct PlanRendererTests {
    static let playbook = """
        name: deploy
        vars:
          version: 1.2.0
        phases:
          - id: build
            steps:
              - id: compile
                run: make VERSION={{ vars.version }}
                compensate: make clean
          - id: release
            steps:
              - id: switch
                run: ln -sfn releases/{{ vars.version }} current
                compensate: ln -sfn releases/previous current
        """

    func plan(failAt: String? = nil) throws -> PlaybookPlan {
        try PlaybookPlan(playbook: try PlaybookLoader.load(text: Self.playbook, file: "deploy.yml"), failAt: failAt)
    }

    @Test func thePlanListsPhasesStepsAndPointsInOrder() throws {
        let text = PlanRenderer.text(try plan(), file: "deploy.yml", output: CapturedOutput().output)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines.first == "Plan for deploy (deploy.yml): 2 phases, 2 steps. Nothing is run.")
        #expect(lines.contains("vars:"))
        #expect(lines.contains("  version = 1.2.0  (from playbook)"))
        #expect(lines.contains("Phase 1/2: build"))
        #expect(lines.contains("Phase 2/2: release (needs build)"))
        #expect(lines.contains("    compensate make clean"))
        #expect(text.contains("make VERSION=1.2.0"))
        #expect(!text.contains("If "))
    }

    @Test func failAtShowsTheUnwindNewestFirstThenTheRestore() throws {
        let text = PlanRenderer.text(try plan(failAt: "release/switch"), file: "deploy.yml", output: CapturedOutput().output)
        let unwind = try #require(text.components(separatedBy: "If release/switch fails:\n").last)
        #expect(unwind == """
              1. compensate release/switch: ln -sfn releases/previous current
              2. compensate build/compile: make clean
              3. restore workspace to start (refs/belay/points/<run-id>/start)

            """)
    }

    @Test func theJSONNamesEveryPoint() throws {
        let json = PlanRenderer.json(try plan(), file: "deploy.yml")
        #expect(json["points"] as? [String] == [
            "refs/belay/points/<run-id>/start", "refs/belay/points/<run-id>/build", "refs/belay/points/<run-id>/release",
        ])
    }
}
