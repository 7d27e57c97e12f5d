/// How a policy treats SARIF suppressions whose meaning a tool leaves open (see docs/gate.md).
///
/// The defaults follow SARIF 2.1.0: a suppression without a `status` is accepted, and a suppression
/// kept outside the code (`kind: external`, e.g. an ignore list) is as valid as one in the code.
/// A policy that distrusts either can say so; the suppressed results then count as findings.
public struct SuppressionRule: Sendable, Hashable {
    /// Whether a suppression without a `status` suppresses its result.
    public var trustWithoutStatus: Bool
    /// Whether a suppression of kind `external` suppresses its result.
    public var trustExternal: Bool

    public init(trustWithoutStatus: Bool = true, trustExternal: Bool = true) {
        self.trustWithoutStatus = trustWithoutStatus
        self.trustExternal = trustExternal
    }

    /// A result is suppressed when a suppression that counts covers it and none is `underReview`
    /// or `rejected` (a suppression still being argued over, or turned down, hides nothing).
    func suppresses(_ suppressions: [JSONValue]) -> Bool {
        var covered = false
        for suppression in suppressions {
            let status = suppression["status"]?.string
            if status == "underReview" || status == "rejected" { return false }
            if status == nil, !trustWithoutStatus { continue }
            if suppression["kind"]?.string == "external", !trustExternal { continue }
            if status == nil || status == "accepted" { covered = true }
        }
        return covered
    }
}
