import BelayGit
import Foundation
import Synchronization

/// Rollback points as copies of the workspace's regular files, kept in memory.
///
/// Meant for tests and small workspaces: every record reads every file (no `.belay/`, no `.git`),
/// and a restore writes the point's files back and deletes the others. Symbolic links and file
/// modes are not kept.
public final class InMemoryRollbackPoints: RollbackPoints {
    private typealias Snapshot = [String: Data]

    private struct Commit {
        var id: String
        var files: Snapshot
    }

    private struct Books {
        var commits: [Commit] = []
        var points: [String: [String: Int]] = [:]
        var last: [String: Int] = [:]
    }

    public let workspace: URL
    private let books = Mutex(Books())

    public init(workspace: URL) { self.workspace = workspace.standardizedFileURL }

    public func record(
        run: String, event: String, phase: String, point: String?, summary: String?, details: [(String, String)]
    ) async throws -> RecordedPoint? {
        let files = try snapshot()
        return books.withLock { books in
            let index = books.commits.count
            let commit = Commit(id: String(format: "%040x", index + 1), files: files)
            books.commits.append(commit)
            books.last[run] = index
            if let point { books.points[run, default: [:]][point] = index }
            return RecordedPoint(commit: commit.id, tree: Self.treeID(files))
        }
    }

    public func restore(run: String, point: String, event: String) async throws -> RestoreResult {
        let target = try commit(run: run, point: point)
        let current = try snapshot()
        let manager = FileManager.default
        for path in current.keys where target.files[path] == nil {
            try manager.removeItem(at: workspace.appendingPathComponent(path))
        }
        for (path, data) in target.files where current[path] != data {
            let url = workspace.appendingPathComponent(path)
            try manager.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try data.write(to: url)
        }
        guard let recorded = try await record(
            run: run, event: event, phase: point, point: nil, summary: nil, details: [])
        else { return .nothingRecorded }
        return .restored(recorded)
    }

    public func point(run: String, name: String) async throws -> RecordedPoint? {
        books.withLock { books in
            books.points[run]?[name].map { RecordedPoint(commit: books.commits[$0].id, tree: Self.treeID(books.commits[$0].files)) }
        }
    }

    public func diff(run: String, from: String, to: String?) async throws -> [FileChange] {
        let before = try commit(run: run, point: from).files
        let after = try to.map { try commit(run: run, point: $0).files } ?? snapshot()
        return Self.changes(from: before, to: after)
    }

    public func changesSinceLastCommit(run: String) async throws -> [String]? {
        guard let last = books.withLock({ books in books.last[run].map { books.commits[$0].files } }) else { return nil }
        return Self.changes(from: last, to: try snapshot()).map { "\($0.kind.rawValue) \($0.path)" }
    }

    public func preserve(run: String) async throws -> PreservedWorkspace? {
        guard let files = try await changesSinceLastCommit(run: run), !files.isEmpty,
            let recorded = try await record(run: run, event: "preserved", phase: "workspace", point: nil, summary: nil, details: [])
        else { return nil }
        return PreservedWorkspace(commit: recorded.commit, tree: recorded.tree, files: files)
    }

    private func commit(run: String, point: String) throws -> Commit {
        guard let commit = books.withLock({ books in books.points[run]?[point].map { books.commits[$0] } }) else {
            throw EngineError(.checkpoint, .missingPoints(runID: run, names: [point]))
        }
        return commit
    }

    /// Every regular file below the workspace but its top `.belay/` and any `.git`, by relative path.
    private func snapshot() throws -> Snapshot {
        var files: Snapshot = [:]
        let root = workspace.path.hasSuffix("/") ? workspace.path : workspace.path + "/"
        guard let walker = FileManager.default.enumerator(atPath: root) else { return files }
        while let path = walker.nextObject() as? String {
            let name = (path as NSString).lastPathComponent
            if path == ".belay" || name == ".git" {
                walker.skipDescendants()
                continue
            }
            if (walker.fileAttributes?[.type] as? FileAttributeType) == .typeRegular {
                files[path] = try Data(contentsOf: URL(fileURLWithPath: root + path))
            }
        }
        return files
    }

    private static func changes(from before: Snapshot, to after: Snapshot) -> [FileChange] {
        var changes: [FileChange] = []
        for path in Set(before.keys).union(after.keys).sorted() {
            switch (before[path], after[path]) {
            case (nil, _?): changes.append(FileChange(path: path, kind: .added))
            case (_?, nil): changes.append(FileChange(path: path, kind: .deleted))
            case (let old?, let new?) where old != new: changes.append(FileChange(path: path, kind: .modified))
            default: break
            }
        }
        return changes
    }

    /// A stand-in tree id: equal trees give equal ids.
    private static func treeID(_ files: Snapshot) -> String {
        var bytes = Data()
        for (path, data) in files.sorted(by: { $0.key < $1.key }) {
            bytes.append(Data(path.utf8))
            bytes.append(0)
            bytes.append(Data(SHA256.digest(of: data)))
        }
        return SHA256.hex(of: bytes)
    }
}
