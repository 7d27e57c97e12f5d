import Testing
@testable import Belay

@Suite struct SagaOrderTests {
    private func step(_ id: String) -> Step { Step(id, command: "true", compensate: "true") }

    @Test func phasesFollowTheirNeedsAndOtherwiseTheFile() throws {
        let saga = Saga("s") {
            Phase("deploy", needs: ["migrate"]) { step("a") }
            Phase("backup", needs: []) { step("b") }
            Phase("migrate", needs: ["backup"]) { step("c") }
            Phase("notify") { step("d") }  // needs the previous phase in the file: migrate
        }
        #expect(try saga.executionOrder().map(\.id) == ["backup", "migrate", "deploy", "notify"])
    }

    @Test func aCycleIsRefusedAndNamed() {
        let saga = Saga("s") {
            Phase("a", needs: ["b"]) { step("x") }
            Phase("b", needs: ["a"]) { step("y") }
        }
        #expect(throws: SagaError.cycle(["a", "b", "a"])) { try saga.executionOrder() }
        #expect(SagaError.cycle(["a", "b", "a"]).description == "the phases need each other in a cycle: a → b → a")
    }

    @Test func anUnknownNeedIsRefused() {
        let saga = Saga("s") { Phase("a", needs: ["nope"]) { step("x") } }
        #expect(throws: SagaError.unknownNeed(phase: "a", need: "nope")) { try saga.executionOrder() }
    }
}
