/// Names with a fixed meaning among rollback points.
public enum PointName {
    /// The rollback point recorded before the first phase: where an unwind restores the workspace.
    public static let start = "start"
}
