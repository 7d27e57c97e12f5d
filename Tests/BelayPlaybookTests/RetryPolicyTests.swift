import Testing
@testable import BelayPlaybook
import BelayModel

@Test func retryDelaysGrowByBackoffAndStopAtTheCap() {
    let policy = RetryPolicy(attempts: 5, delay: .seconds(2), backoff: 3, maxDelay: .seconds(10))
    #expect(policy.delay(afterAttempt: 1) == .seconds(2))
    #expect(policy.delay(afterAttempt: 2) == .seconds(6))
    #expect(policy.delay(afterAttempt: 3) == .seconds(10))
}
