import Foundation

/// Rollback points and run history, stored as commits in `<workspace>/.belay/git`.
///
/// Every `record` snapshots the workspace (minus `.belay/`, `.git` and `.belayignore` matches) and
/// appends a commit to `refs/belay/runs/<run>`; a rollback point also gets `refs/belay/points/<run>/<point>`.
/// History is append-only: refs move forward with compare-and-swap, so a concurrent writer is an error.
public actor CheckpointStore {
    /// The workspace whose files are checkpointed.
    public nonisolated let workspace: URL
    let repository: Repository

    /// Opens the state repository of `workspace`, creating `.belay/git` if missing.
    public init(workspace: URL) throws {
        self.workspace = workspace
        self.repository = try Repository(workspace: workspace)
    }

    public static func runReference(_ run: String) -> String { "refs/belay/runs/\(run)" }
    public static func pointReference(run: String, point: String) -> String { "refs/belay/points/\(run)/\(point)" }

    /// Snapshots the worktree and commits it on `refs/belay/runs/<run>` (parent: that ref's tip, CAS-updated).
    /// When `point` is non-nil, also sets `refs/belay/points/<run>/<point>` to the commit (a rollback point).
    public func record(
        run: String, event: String, phase: String, point: String?, summary: String? = nil,
        details: [(String, String)] = []
    ) throws -> Checkpoint {
        try Self.validateName(run, what: "run id")
        try Self.validateWord(event, what: "event")
        try Self.validateWord(phase, what: "phase id")
        if let point { try Self.validateName(point, what: "point name") }
        for (key, _) in details { try Self.validateTrailerKey(key) }

        let tree = try repository.snapshot()
        let reference = Self.runReference(run)
        let parent = try repository.target(of: reference)
        let message = Checkpoint.message(run: run, event: event, phase: phase, summary: summary, details: details)
        let commit = try repository.createCommit(tree: tree, parent: parent, message: message)
        try repository.compareAndSwapReference(
            reference, to: commit, expected: parent, logMessage: "belay: \(event) \(phase)", sync: false)
        var moved = [reference]
        if let point {
            let name = Self.pointReference(run: run, point: point)
            do {
                try repository.forceReference(name, to: commit, logMessage: "belay: point \(point)", sync: false)
            } catch {
                repository.syncReferences(moved)
                throw error
            }
            moved.append(name)
        }
        // Both on disk before the journal names the point.
        repository.syncReferences(moved)
        return Checkpoint(try repository.commit(commit))
    }

    /// Rollback points of `run`, oldest first (in the order their commits appear in the run's history).
    public func points(run: String) throws -> [Checkpoint] {
        try Self.validateName(run, what: "run id")
        let prefix = "refs/belay/points/\(run)/"
        let references = try repository.references(withPrefix: prefix)
        guard !references.isEmpty else { return [] }
        var order: [ObjectID: Int] = [:]
        if let tip = try repository.target(of: Self.runReference(run)) {
            for (position, id) in try repository.firstParentHistory(from: tip).enumerated() { order[id] = position }
        }
        let checkpoints = try references.map { try Checkpoint(repository.commit($0.target)) }
        return checkpoints.sorted {
            (order[$0.commit] ?? Int.max, $0.time) < (order[$1.commit] ?? Int.max, $1.time)
        }
    }

    /// The rollback point `name` of `run`, or nil when it was never recorded.
    public func point(run: String, name: String) throws -> Checkpoint? {
        try Self.validateName(run, what: "run id")
        try Self.validateName(name, what: "point name")
        guard let id = try repository.target(of: Self.pointReference(run: run, point: name)) else { return nil }
        return Checkpoint(try repository.commit(id))
    }

    /// Every commit of `refs/belay/runs/<run>`, oldest first.
    public func history(run: String) throws -> [Checkpoint] {
        try Self.validateName(run, what: "run id")
        guard let tip = try repository.target(of: Self.runReference(run)) else { return [] }
        return try repository.firstParentHistory(from: tip).map { try Checkpoint(repository.commit($0)) }
    }

    /// The tip of `refs/belay/runs/<run>`.
    public func last(run: String) throws -> Checkpoint? {
        try Self.validateName(run, what: "run id")
        guard let tip = try repository.target(of: Self.runReference(run)) else { return nil }
        return Checkpoint(try repository.commit(tip))
    }

    /// Run ids that have a history ref, sorted.
    public func runs() throws -> [String] {
        let prefix = "refs/belay/runs/"
        return try repository.references(withPrefix: prefix).map { String($0.name.dropFirst(prefix.count)) }
    }

    /// Makes the worktree exactly `checkpoint.tree` (ignored files, `.belay/` and `.git` are left alone).
    public func restore(_ checkpoint: Checkpoint) throws {
        try repository.restore(tree: checkpoint.tree)
    }

    /// The tree id the worktree has now (stores its blobs; records no commit).
    public func snapshotTree() throws -> ObjectID {
        try repository.snapshot()
    }

    /// What changed in the worktree since `checkpoint`: added, modified, deleted (and type-changed) paths.
    public func drift(since checkpoint: Checkpoint) throws -> [FileChange] {
        let now = try repository.snapshot()
        return try repository.changes(from: checkpoint.tree, to: now, detectRenames: false)
    }

    /// The changes between two checkpoints (`from` nil: everything in `to` is added), renames detected.
    public func changes(from: Checkpoint?, to: Checkpoint) throws -> [FileChange] {
        try repository.changes(from: from?.tree, to: to.tree, detectRenames: true)
    }

    /// A commit of the repository (for the extensions in other files).
    func repositoryCommit(_ id: ObjectID) throws -> CommitInfo { try repository.commit(id) }

    func repositoryForceReference(_ name: String, to id: ObjectID, logMessage: String) throws {
        try repository.forceReference(name, to: id, logMessage: logMessage)
    }

    // MARK: Validation

    /// Run ids and point names become one ref component each.
    static func validateName(_ name: String, what: String) throws {
        guard !name.isEmpty, !name.contains("/"), !name.contains(where: \.isWhitespace),
            Repository.isValidReferenceName("refs/belay/runs/\(name)")
        else {
            throw GitError(
                .invalidName, operation: "using \(what) \"\(name)\"",
                reason: "it must be one git ref component: no '/', spaces, '..', '~', '^', ':', '?', '*', '[' or '\\'")
        }
    }

    /// Events and phases appear in the subject line, whose words are split on spaces.
    static func validateWord(_ word: String, what: String) throws {
        guard !word.isEmpty, !word.contains(where: \.isWhitespace) else {
            throw GitError(.invalidName, operation: "using \(what) \"\(word)\"", reason: "it must be one word, without spaces")
        }
    }

    static func validateTrailerKey(_ key: String) throws {
        guard !key.isEmpty, key.utf8.allSatisfy({ $0 == UInt8(ascii: "-") || (48...57).contains($0) || (65...90).contains($0) || (97...122).contains($0) })
        else {
            throw GitError(
                .invalidName, operation: "using trailer key \"\(key)\"", reason: "use letters, digits and '-', like Belay-Decision")
        }
    }
}
