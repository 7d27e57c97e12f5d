import Testing
@testable import BelayGate

@Test func decisionExitCodesFollowTheContract() {
    #expect(Decision.proceed.exitCode == 0)
    #expect(Decision.block.exitCode == 1)
    #expect(Decision.conditionalProceed.exitCode == 3)
    #expect(Decision.conditionalProceed.rawValue == "CONDITIONAL_PROCEED")
}
