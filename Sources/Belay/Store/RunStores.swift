import Foundation

/// The three places an engine keeps a run: its journal, its rollback points and its lock.
///
/// `local(workspace:)` is the default: all three in the workspace's `.belay/` folder.
/// `inMemory(workspace:)` keeps journals and locks in memory and rollback points as in-memory
/// copies of the workspace's files, for tests and for embedding where nothing must outlive the
/// process. A shared store implements the same three protocols.
public struct RunStores: Sendable {
    public var journal: any RunJournal
    public var points: any RollbackPoints
    public var locks: any RunLocks

    public init(journal: any RunJournal, points: any RollbackPoints, locks: any RunLocks) {
        self.journal = journal
        self.points = points
        self.locks = locks
    }

    /// `.belay/runs/<run>/journal.jsonl`, `.belay/git` and `.belay/lock` in `workspace`.
    /// - Throws: `.workspace` when the workspace is a folder Belay never works in, or its `.belay`
    ///   is a symlink, not a folder, or someone else's.
    /// - Parameter points: rollback points to use instead of `.belay/git`.
    public static func local(workspace: URL, points: (any RollbackPoints)? = nil) throws(EngineError) -> RunStores {
        let workspace = workspace.standardizedFileURL
        try WorkspaceCheck.check(workspace)
        PrivateFiles.prepareStateFolder(of: workspace)
        let points: any RollbackPoints = if let points { points } else { try GitRollbackPoints.open(workspace: workspace) }
        return RunStores(
            journal: LocalRunJournal(workspace: workspace), points: points, locks: LocalRunLocks(workspace: workspace))
    }

    /// Everything in memory; rollback points copy `workspace`'s files.
    public static func inMemory(workspace: URL) -> RunStores {
        RunStores(
            journal: InMemoryRunJournal(), points: InMemoryRollbackPoints(workspace: workspace),
            locks: InMemoryRunLocks())
    }
}
