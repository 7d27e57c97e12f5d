import CGit2
#if canImport(Glibc)
import Glibc
#endif

extension Repository {
    /// Makes the worktree hold exactly the files of `target`: tracked files absent from it are deleted,
    /// the rest written with their recorded content, mode and symlink target. Files ignored by the
    /// target's own `.belayignore` (not the one in the worktree now, which a phase may have written),
    /// `.belay/` and `.git` are left alone.
    ///
    /// It first snapshots the worktree, so only the paths that differ are touched (a 20,000-file workspace
    /// where 10 files differ costs one stat walk and 10 writes). Then it checks its work: a second
    /// snapshot must yield `target`, else it throws with the paths that still differ.
    func restore(tree target: ObjectID) throws {
        let rules = try ignoreRules(of: target)
        let current = try snapshot(ignoreRules: rules)
        guard current != target else { return }
        let changes = try changedEntries(from: current, to: target)

        var emptiedDirectories: Set<String> = []
        for path in changes.deletions {
            let full = workspace + "/" + path
            if unlink(full) != 0 && errno != ENOENT {
                throw GitError.fromErrno(errno, operation: "restoring: deleting \(path)")
            }
            try check(git_index_remove(index, path, 0), "restoring: dropping \(path) from the index")
            if let slash = path.lastIndex(of: "/") { emptiedDirectories.insert(String(path[..<slash])) }
        }
        removeEmptyDirectories(emptiedDirectories)

        for write in changes.writes {
            try writeWorktreeFile(write)
        }
        try saveIndex()
        let after = try snapshot(ignoreRules: rules)
        guard after == target else {
            let left = try self.changes(from: target, to: after, detectRenames: false)
            throw GitError(
                .io, operation: "restoring the tree \(target)",
                reason: "after the restore, \(left.count) path(s) still differ from it: "
                    + left.map { "\($0.kind.rawValue) \($0.path)" }.joined(separator: ", "))
        }
    }

    /// The text of `tree`'s own `.belayignore` ("" when it has none).
    func ignoreRules(of tree: ObjectID) throws -> String {
        let root = try lookupTree(tree)
        defer { git_tree_free(root) }
        var entry: OpaquePointer?
        guard git_tree_entry_bypath(&entry, root, ".belayignore") == 0 else { return "" }
        defer { git_tree_entry_free(entry) }
        var blob: OpaquePointer?
        guard git_tree_entry_type(entry) == GIT_OBJECT_BLOB,
            git_blob_lookup(&blob, handle, git_tree_entry_id(entry)) == 0
        else { return "" }
        defer { git_blob_free(blob) }
        let bytes = UnsafeRawBufferPointer(start: git_blob_rawcontent(blob), count: Int(git_blob_rawsize(blob)))
        return String(decoding: bytes, as: UTF8.self)
    }

    private struct WorktreeWrite {
        let path: String
        let id: git_oid
        let mode: UInt32
    }

    private func changedEntries(from current: ObjectID, to target: ObjectID) throws
        -> (deletions: [String], writes: [WorktreeWrite])
    {
        let oldTree = try lookupTree(current)
        defer { git_tree_free(oldTree) }
        let newTree = try lookupTree(target)
        defer { git_tree_free(newTree) }
        var options = git_diff_options()
        try check(git_diff_options_init(&options, UInt32(GIT_DIFF_OPTIONS_VERSION)), "preparing a restore")
        options.flags |= GIT_DIFF_INCLUDE_TYPECHANGE.rawValue
        var diff: OpaquePointer?
        try check(git_diff_tree_to_tree(&diff, handle, oldTree, newTree, &options), "comparing the worktree with \(target)")
        defer { git_diff_free(diff) }

        var deletions: [String] = []
        var writes: [WorktreeWrite] = []
        for position in 0..<git_diff_num_deltas(diff) {
            guard let delta = git_diff_get_delta(diff, position)?.pointee else { continue }
            switch delta.status {
            case GIT_DELTA_DELETED:
                deletions.append(String(cString: delta.old_file.path))
            case GIT_DELTA_TYPECHANGE:
                deletions.append(String(cString: delta.old_file.path))
                writes.append(WorktreeWrite(path: String(cString: delta.new_file.path), id: delta.new_file.id, mode: UInt32(delta.new_file.mode)))
            default:
                writes.append(WorktreeWrite(path: String(cString: delta.new_file.path), id: delta.new_file.id, mode: UInt32(delta.new_file.mode)))
            }
        }
        return (deletions, writes)
    }

    /// Removes directories left empty by deletions, walking up towards the workspace.
    private func removeEmptyDirectories(_ directories: Set<String>) {
        // Deepest first, so a parent is tried after its children.
        for directory in directories.sorted(by: { $0.count > $1.count }) {
            var current = Substring(directory)
            while !current.isEmpty {
                if rmdir(workspace + "/" + current) != 0 { break }
                guard let slash = current.lastIndex(of: "/") else { break }
                current = current[..<slash]
            }
        }
    }

    private func writeWorktreeFile(_ write: WorktreeWrite) throws {
        let path = write.path
        let full = workspace + "/" + path
        try makeParentDirectories(of: path)

        var existing = stat()
        if lstat(full, &existing) == 0 && (existing.st_mode & S_IFMT) == S_IFDIR {
            // A directory where the target has a file: only possible if it holds ignored files.
            if rmdir(full) != 0 {
                throw GitError(
                    .io, operation: "restoring \(path)",
                    reason: "a directory of that name holds files Belay does not track (.belayignore); move them away and retry")
            }
        }

        if write.mode == WorktreeScanner.symlinkMode {
            var oid = write.id
            var blob: OpaquePointer?
            try check(git_blob_lookup(&blob, handle, &oid), "restoring \(path): reading its content")
            defer { git_blob_free(blob) }
            let size = Int(git_blob_rawsize(blob))
            let bytes = git_blob_rawcontent(blob)
            let target = String(decoding: UnsafeRawBufferPointer(start: bytes, count: size), as: UTF8.self)
            if unlink(full) != 0 && errno != ENOENT { throw GitError.fromErrno(errno, operation: "restoring \(path)") }
            guard symlink(target, full) == 0 else { throw GitError.fromErrno(errno, operation: "restoring symlink \(path)") }
        } else {
            // Write beside it, then rename over it, so a crash never leaves a half-written file. The
            // temporary name is short whatever the file's, so it always fits NAME_MAX.
            let directory = path.lastIndex(of: "/").map { workspace + "/" + path[..<$0] } ?? workspace
            let temporary = directory + "/.belay-restore-\(getpid())"
            let permissions: mode_t = write.mode == WorktreeScanner.executableMode ? 0o755 : 0o644
            let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, permissions)
            guard fd >= 0 else { throw GitError.fromErrno(errno, operation: "restoring \(path)") }
            do { try copyBlob(write.id, to: fd, path: path) } catch {
                close(fd)
                unlink(temporary)
                throw error
            }
            _ = fchmod(fd, permissions)  // the umask must not change the recorded mode
            close(fd)
            guard rename(temporary, full) == 0 else {
                let error = errno
                unlink(temporary)
                throw GitError.fromErrno(error, operation: "restoring \(path)")
            }
        }
        var info = stat()
        guard lstat(full, &info) == 0 else { throw GitError.fromErrno(errno, operation: "restoring \(path)") }
        try WorktreeScanner.addEntry(to: index, path: path, info: info, mode: write.mode, id: write.id)
    }

    private func makeParentDirectories(of path: String) throws {
        guard let slash = path.lastIndex(of: "/") else { return }
        var built = workspace
        for component in path[..<slash].split(separator: "/") {
            built += "/" + component
            var info = stat()
            if lstat(built, &info) == 0 {
                if (info.st_mode & S_IFMT) == S_IFDIR { continue }
                // A file or symlink stands where the target has a directory; tracked ones were deleted
                // already, so this one is ignored or appeared meanwhile.
                throw GitError(
                    .io, operation: "restoring \(path)",
                    reason: "\(built.dropFirst(workspace.count + 1)) is a file Belay does not track; move it away and retry")
            }
            if mkdir(built, 0o755) != 0 && errno != EEXIST {
                throw GitError.fromErrno(errno, operation: "restoring \(path): creating its directory")
            }
        }
    }
}
