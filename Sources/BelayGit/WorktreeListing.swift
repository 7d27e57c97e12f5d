import Dispatch
import Foundation
import Synchronization

/// The files of a worktree with their stat data, skipping what a snapshot skips (`.git` at any
/// depth, the top-level `.belay`, `.belayignore` matches).
///
/// A rollback point of an unchanged tree is mostly this walk, one `fstatat` per file, so a tree of
/// many folders is walked on several threads: the top of the tree is listed until there are enough
/// folders to share, and each thread then walks whole folders from there. Every folder is opened
/// from its parent's descriptor without following symlinks, as a single walk would.
enum WorktreeListing {
    /// A file, symlink or other non-folder entry, and its `lstat` data.
    struct Entry: Sendable {
        let path: String
        let info: stat
    }

    /// Folders enough to share among threads, and threads enough to use them.
    private static let sharedFolders = 8
    private static let threads = min(4, ProcessInfo.processInfo.activeProcessorCount)

    /// Lists the worktree at `root` (a folder descriptor, kept open by the caller).
    static func list(root: Int32, ignore: IgnoreRules) throws -> [Entry] {
        var entries: [Entry] = []
        guard threads > 1 else {
            try walk(folder: dup(root), prefix: "", ignore: ignore, into: &entries)
            return entries
        }
        // Breadth first from the top (a few levels at most: each is opened from the top again)
        // until the folders left can be shared.
        var frontier = [""]
        for _ in 0..<4 where !frontier.isEmpty && frontier.count < sharedFolders {
            var next: [String] = []
            for folder in frontier {
                _ = try withFolder(folder, under: root) { fd in
                    try list(folder: fd, prefix: folder, ignore: ignore, file: { entries.append($0) }, folder: { _, path in next.append(path) })
                }
            }
            frontier = next
        }
        guard !frontier.isEmpty else { return entries }
        for part in try walkInParallel(frontier, under: root, ignore: ignore) { entries += part }
        return entries
    }

    /// Walks each folder of `folders` (and all below it) on `threads` threads.
    private static func walkInParallel(_ folders: [String], under root: Int32, ignore: IgnoreRules) throws -> [[Entry]] {
        let shared = Shared()
        DispatchQueue.concurrentPerform(iterations: threads) { _ in
            var entries: [Entry] = []
            do {
                while case let index = shared.next.add(1, ordering: .relaxed).oldValue, index < folders.count {
                    _ = try withFolder(folders[index], under: root) { fd in
                        try walk(folder: dup(fd), prefix: folders[index], ignore: ignore, into: &entries)
                    }
                }
            } catch {
                shared.failure.withLock { if $0 == nil { $0 = error } }
            }
            shared.found.withLock { $0.append(entries) }
        }
        if let error = shared.failure.withLock({ $0 }) { throw error }
        return shared.found.withLock { $0 }
    }

    /// What the threads share: the next folder to take, what they found, the first error.
    private final class Shared: Sendable {
        let next = Atomic<Int>(0)
        let found = Mutex<[[Entry]]>([])
        let failure = Mutex<(any Error)?>(nil)
    }

    /// Every entry below the open folder `fd`, depth first, as one walk would. Closes `fd`.
    private static func walk(folder fd: Int32, prefix: String, ignore: IgnoreRules, into entries: inout [Entry]) throws {
        guard fd >= 0 else { throw GitError.fromErrno(errno, operation: "reading directory \(prefix)") }
        defer { close(fd) }
        try list(folder: fd, prefix: prefix, ignore: ignore, file: { entries.append($0) }) { name, path in
            let child = openat(fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
            guard child >= 0 else {
                if errno == ENOENT { return }  // vanished while we looked
                throw GitError.fromErrno(errno, operation: "reading directory \(path)")
            }
            try walk(folder: child, prefix: path, ignore: ignore, into: &entries)
        }
    }

    /// The entries of the open folder `fd` (left open): each file to `file`, each folder's name and
    /// path to `folder`.
    private static func list(
        folder fd: Int32, prefix: String, ignore: IgnoreRules, file: (Entry) -> Void,
        folder: (UnsafePointer<CChar>, String) throws -> Void
    ) throws {
        let copy = dup(fd)
        guard copy >= 0, let dir = fdopendir(copy) else {
            let error = errno
            throw GitError.fromErrno(error, operation: "reading directory \(prefix.isEmpty ? "." : prefix)")
        }
        defer { closedir(dir) }
        while let item = readdir(dir) {
            try withUnsafePointer(to: &item.pointee.d_name) { rawName in
                try rawName.withMemoryRebound(to: CChar.self, capacity: 256) { name in
                    if isSkipped(name, atTop: prefix.isEmpty) { return }
                    guard let leaf = String(validatingCString: name) else {
                        throw GitError(
                            .invalidName, operation: "snapshotting \(prefix.isEmpty ? "." : prefix)",
                            reason: "a file name is not valid UTF-8 (\(String(cString: name))); rename it or list it in .belayignore")
                    }
                    let path = prefix.isEmpty ? leaf : prefix + "/" + leaf
                    var isFolder = item.pointee.d_type == UInt8(DT_DIR)
                    var info = stat()
                    if !isFolder {
                        guard fstatat(fd, name, &info, AT_SYMLINK_NOFOLLOW) == 0 else {
                            if errno == ENOENT { return }  // vanished while we looked
                            throw GitError.fromErrno(errno, operation: "reading \(path)")
                        }
                        isFolder = (info.st_mode & S_IFMT) == S_IFDIR
                    }
                    if !ignore.isEmpty && ignore.isIgnored(path, isDirectory: isFolder) { return }
                    if isFolder { try folder(name, path) } else { file(Entry(path: path, info: info)) }
                }
            }
        }
    }

    /// Runs `body` with the folder at `path` (relative to `root`) open, each step opened without
    /// following a symlink; nothing when the folder vanished.
    static func withFolder<Result>(_ path: String, under root: Int32, _ body: (Int32) throws -> Result) throws -> Result? {
        var fd = dup(root)
        guard fd >= 0 else { throw GitError.fromErrno(errno, operation: "reading the workspace") }
        for component in path.split(separator: "/") {
            let child = openat(fd, String(component), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
            close(fd)
            guard child >= 0 else {
                if errno == ENOENT || errno == ENOTDIR || errno == ELOOP { return nil }
                throw GitError.fromErrno(errno, operation: "reading directory \(path)")
            }
            fd = child
        }
        defer { close(fd) }
        return try body(fd)
    }

    /// `.`, `..`, `.git` at any depth, and the workspace's own `.belay` (Belay's state). A `.belay`
    /// below the top is a user's folder like any other, so it is snapshotted.
    static func isSkipped(_ name: UnsafePointer<CChar>, atTop: Bool) -> Bool {
        guard name[0] == 0x2E else { return false }  // "."
        return name[1] == 0 || strcmp(name, "..") == 0 || strcmp(name, ".git") == 0
            || (atTop && strcmp(name, ".belay") == 0)
    }
}
