/// How often an action is tried, and how long to wait between tries.
public struct RetryPolicy: Sendable, Hashable {
    /// Total tries, at least 1.
    public var attempts: Int
    public var delay: Duration
    /// Each wait is the previous one times this factor, capped at `maxDelay`.
    public var backoff: Double
    public var maxDelay: Duration

    public init(
        attempts: Int = 1, delay: Duration = .seconds(1), backoff: Double = 2.0,
        maxDelay: Duration = .seconds(30)
    ) {
        self.attempts = attempts
        self.delay = delay
        self.backoff = backoff
        self.maxDelay = maxDelay
    }

    /// The wait before try number `attempt + 1`, after `attempt` tries failed (attempt ≥ 1).
    public func delay(afterAttempt attempt: Int) -> Duration {
        var wait = delay
        if attempt > 1 {
            for _ in 2...attempt { wait = wait * backoff }
        }
        return min(wait, maxDelay)
    }
}
