import Foundation

/// What keeps a restore from losing anything: the workspace is committed before it is overwritten,
/// a point whose ref went missing is found again from the commit id the journal kept, and a later
/// run in the same workspace is named when it explains a difference.
extension CheckpointStore {
    /// The workspace as it was before a restore, kept as a commit on the run's history.
    public struct Preserved: Sendable, Hashable {
        public let checkpoint: Checkpoint
        /// What differs from the run's previous commit (the files the commit keeps).
        public let changes: [FileChange]
    }

    /// Commits the workspace on `refs/belay/runs/<run>` (event `preserved`) when it differs from the
    /// run's last commit; nil when it does not (nothing could be lost).
    public func preserve(run: String) throws -> Preserved? {
        guard let last = try last(run: run) else { return nil }
        let changes = try drift(since: last)
        guard !changes.isEmpty else { return nil }
        let listed = changes.prefix(20).map { "\($0.kind.rawValue) \($0.path)" }.joined(separator: "\n")
        let checkpoint = try record(
            run: run, event: "preserved", phase: last.phase.isEmpty ? "start" : last.phase, point: nil,
            summary: "the workspace before a restore overwrote it: \(changes.count) file(s) differ from "
                + "\(last.commit.short)\n\n\(listed)" + (changes.count > 20 ? "\n…" : ""))
        return Preserved(checkpoint: checkpoint, changes: changes)
    }

    /// Points `refs/belay/points/<run>/<name>` at `commit` again when the ref is gone but the commit
    /// (as the journal recorded it) is still in the repository and belongs to the run. Returns the
    /// point, or nil when the commit is gone too.
    public func repairPoint(run: String, name: String, commit: String) throws -> Checkpoint? {
        if let existing = try point(run: run, name: name) { return existing }
        guard let id = ObjectID(hex: commit), let info = try? repositoryCommit(id) else { return nil }
        let checkpoint = Checkpoint(info)
        guard checkpoint.run == run else { return nil }
        try repositoryForceReference(Self.pointReference(run: run, point: name), to: id, logMessage: "belay: repair point \(name)")
        return checkpoint
    }

    /// The run whose history was written last in this workspace after `run`'s last commit, and whether
    /// the workspace is exactly as that run left it. Nil when no other run wrote since.
    public func laterRun(than run: String) throws -> (run: String, workspaceMatches: Bool)? {
        guard let latest = try latestAfter(run: run).first else { return nil }
        return (latest.run, try snapshotTree() == latest.tree)
    }

    /// The last commits of the runs that wrote last after `run`'s last commit (several when their
    /// commits share the latest second), in the order of their refs; reads only.
    public func latestAfter(run: String) throws -> [Checkpoint] {
        guard let mine = try last(run: run) else { return [] }
        var latest: [Checkpoint] = []
        for other in try runs() where other != run {
            guard let tip = try last(run: other), tip.time >= mine.time else { continue }
            if latest.isEmpty || tip.time > latest[0].time {
                latest = [tip]
            } else if tip.time == latest[0].time {
                latest.append(tip)
            }
        }
        return latest
    }
}
