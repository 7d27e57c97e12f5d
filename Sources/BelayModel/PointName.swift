/// Names with a fixed meaning among rollback points.
public enum PointName {
    /// The rollback point recorded before the first phase: where an unwind restores the workspace.
    public static let start = "start"

    /// The point a step's `checkpoint: before` records: `<phase>/<step>`.
    public static func beforeStep(phase: String, step: String) -> String { "\(phase)/\(step)" }

    /// The name a point is stored under: one ref component, so `<phase>/<step>` becomes
    /// `<phase>.<step>` (ids never hold a `.`, so the two cannot clash).
    public static func stored(_ name: String) -> String { name.replacing("/", with: ".") }
}
