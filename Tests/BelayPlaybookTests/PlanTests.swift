import Testing

@testable import BelayPlaybook

private let playbookText = """
    name: plan
    vars: { version: "1.0 beta" }
    phases:
      - id: build
        steps:
          - { id: compile, run: "make {{ vars.version }}", compensate: make clean }
          - { id: test, run: make test, compensate: "true", critical: false }
      - id: ship
        parallel: true
        steps:
          - { id: web, run: "./ship web {{ steps.build.compile.out }}", compensate: ./unship web }
          - { id: api, run: ./ship api, compensate: ./unship api }
      - id: announce
        steps:
          - { id: ask, approval: { message: "Announce {{ vars.version }}?" } }
          - { id: post, run: ./post.sh, irreversible: true }
    """

private func plan(failAt: String? = nil) throws -> PlaybookPlan {
    try PlaybookPlan(playbook: PlaybookLoader.load(text: playbookText, file: "p.yml"), runID: "r1", failAt: failAt)
}

@Test func planRendersVariablesQuotedAndKeepsStepOutputs() throws {
    let plan = try plan()
    #expect(plan.phases.map(\.phase.id) == ["build", "ship", "announce"])
    #expect(plan.phases[0].steps[0].forward == "make '1.0 beta'")
    #expect(plan.phases[1].steps[0].forward == "./ship web {{ steps.build.compile.out }}")
    #expect(plan.phases[2].steps[0].forward == "ask: Announce '1.0 beta'?")
    #expect(plan.points == [
        "refs/belay/points/r1/start", "refs/belay/points/r1/build", "refs/belay/points/r1/ship",
        "refs/belay/points/r1/announce",
    ])
    #expect(plan.phases[1].needs == ["build"])
}

@Test func failureInASequentialPhaseUnwindsStartedStepsNewestFirst() throws {
    let failure = try #require(try plan(failAt: "announce/post").failure)
    #expect(failure.unwind.map { "\($0.phase)/\($0.step)" } == [
        "announce/post", "announce/ask", "ship/api", "ship/web", "build/test", "build/compile",
    ])
    #expect(failure.unwind[0].note == "irreversible: not undone")
    #expect(failure.unwind[1].note == "an approval changes nothing")
    #expect(failure.unwind[2].parallel)
    #expect(failure.restorePoint == "refs/belay/points/r1/start")
}

@Test func failureInAParallelPhaseCompensatesAllItsSteps() throws {
    let failure = try #require(try plan(failAt: "ship/web").failure)
    #expect(failure.unwind.map { "\($0.phase)/\($0.step)" } == ["ship/api", "ship/web", "build/test", "build/compile"])
}

@Test func failureOfANonCriticalStepUnwindsNothing() throws {
    let failure = try #require(try plan(failAt: "build/test").failure)
    #expect(!failure.unwinds && failure.unwind.isEmpty)
}

@Test func unknownFailAtListsTheSteps() throws {
    let error = try #require(throws: PlanError.self) { try plan(failAt: "ship/db") }
    #expect(error.code == .unknownStep)
    #expect(error.message.contains("build/compile, build/test, ship/web"))
}
