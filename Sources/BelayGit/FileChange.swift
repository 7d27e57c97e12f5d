/// One path that differs between two snapshots, with its line counts.
public struct FileChange: Sendable, Hashable {
    public enum Kind: String, Sendable {
        case added, modified, deleted, renamed, typeChanged
    }

    /// The path after the change (before it, for a deletion), relative to the workspace.
    public let path: String
    public let kind: Kind
    public let linesAdded: Int
    public let linesRemoved: Int
    /// Binary content has no line counts; they are 0.
    public let isBinary: Bool
    /// For a rename, where the file came from.
    public let oldPath: String?

    public init(
        path: String, kind: Kind, linesAdded: Int = 0, linesRemoved: Int = 0, isBinary: Bool = false,
        oldPath: String? = nil
    ) {
        self.path = path
        self.kind = kind
        self.linesAdded = linesAdded
        self.linesRemoved = linesRemoved
        self.isBinary = isBinary
        self.oldPath = oldPath
    }
}
