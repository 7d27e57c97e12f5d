/// What a gate step evaluates: a go/no-go policy, and what CONDITIONAL_PROCEED means for the run.
public struct GateAction: Sendable, Hashable {
    public enum OnConditional: String, Sendable, Hashable, CaseIterable {
        case proceed, approve, block
    }

    /// The policy file, relative to the workspace.
    public var policy: String
    public var onConditional: OnConditional

    public init(policy: String, onConditional: OnConditional = .approve) {
        self.policy = policy
        self.onConditional = onConditional
    }
}

/// What an approval step asks a person, and what happens when nobody answers in time.
public struct ApprovalAction: Sendable, Hashable {
    public enum OnTimeout: String, Sendable, Hashable, CaseIterable {
        case reject, approve
    }

    public var message: String
    public var timeout: Duration?
    public var onTimeout: OnTimeout

    public init(message: String, timeout: Duration? = nil, onTimeout: OnTimeout = .reject) {
        self.message = message
        self.timeout = timeout
        self.onTimeout = onTimeout
    }
}
