import BelayGit
import BelaySupport

/// The files a phase or a rollback changes, as aligned lines and as JSON (`diff`, `points`,
/// `inspect`, `rollback --dry-run`).
enum FileChangeTable {
    static func lineCounts(_ change: FileChange) -> String {
        change.isBinary ? "binary" : "+\(change.linesAdded) -\(change.linesRemoved)"
    }

    static func kind(_ change: FileChange) -> String {
        switch change.kind {
        case .added: "added"
        case .modified: "modified"
        case .deleted: "deleted"
        case .renamed: "renamed"
        case .typeChanged: "type changed"
        }
    }

    static func json(_ change: FileChange) -> JSONText {
        .object([
            ("path", .string(change.path)), ("change", .string(change.kind.rawValue)),
            ("added", .int(Int64(change.linesAdded))), ("removed", .int(Int64(change.linesRemoved))),
            ("binary", .bool(change.isBinary)), ("from", .optional(change.oldPath)),
        ])
    }

    /// `  modified  app.txt  +1 -1`, aligned.
    static func lines(_ changes: [FileChange], indent: String = "  ") -> [String] {
        let width = changes.map { kind($0).count }.max() ?? 0
        let pathWidth = changes.map { displayPath($0).count }.max() ?? 0
        return changes.map { change in
            let k = kind(change)
            let path = displayPath(change)
            return indent + k + String(repeating: " ", count: width - k.count) + "  " + path
                + String(repeating: " ", count: pathWidth - path.count) + "  " + lineCounts(change)
        }
    }

    static func displayPath(_ change: FileChange) -> String {
        change.oldPath.map { "\($0) → \(change.path)" } ?? change.path
    }
}
