import CGit2
#if canImport(Glibc)
import Glibc
#endif

/// Brings the index in line with the worktree, the way `git add -A` does, but hashing only the files whose
/// stat data (times, size, inode, mode, owner) differ from the index entry, or that are racily clean.
///
/// Rules: regular files and symlinks are snapshotted, with the owner-executable bit; `.git` entries (at
/// any depth), the workspace's top-level `.belay` and paths matched by `.belayignore` are skipped; no content filters
/// (`.gitattributes`, autocrlf) are applied, so a restore gives back the exact bytes.
final class WorktreeScanner {
    private let repository: Repository
    private let index: OpaquePointer
    private let ignore: IgnoreRules
    /// The index file's modification time: entries stamped at or after it may hide a same-tick change.
    private let racyStamp: (seconds: Int32, nanoseconds: UInt32)
    /// Which index positions the walk has met; the rest were deleted from the worktree.
    private var seen: [Bool]
    private var seenCount = 0
    private var pending: [PendingEntry] = []
    private var scratch: [UInt8] = []
    /// Where the blobs go as one pack rather than loose (a first snapshot), when set.
    var batch: PackBatch?
    /// There is no saved index to compare with: every file will be stored.
    var isFirst: Bool { racyStamp == (0, 0) }

    private struct PendingEntry {
        let path: String
        let info: stat
        let mode: UInt32
        let id: git_oid
    }

    /// Files larger than this are streamed into the object database instead of read whole.
    private static let streamThreshold = 32 << 20

    static let fileMode: UInt32 = 0o100644
    static let executableMode: UInt32 = 0o100755
    static let symlinkMode: UInt32 = 0o120000

    /// `ignoreRules`: the `.belayignore` text to apply instead of the workspace's own (a restore
    /// applies the rules of the tree it restores, not the ones a phase wrote since).
    init(repository: Repository, ignoreRules: String? = nil) throws {
        self.repository = repository
        self.index = repository.index
        try check(git_index_read(index, 0), "reloading \(repository.gitDirectory)/index")
        self.ignore = IgnoreRules(ignoreRules ?? Self.readSmallFile(repository.workspace + "/.belayignore") ?? "")
        var info = stat()
        if stat(repository.gitDirectory + "/index", &info) == 0 {
            racyStamp = (Int32(truncatingIfNeeded: info.st_mtim.tv_sec), UInt32(truncatingIfNeeded: info.st_mtim.tv_nsec))
        } else {
            racyStamp = (0, 0)
        }
        seen = [Bool](repeating: false, count: git_index_entrycount(index))
    }

    /// What a scan changed in the in-memory index.
    struct Changes {
        /// Entries added, updated (hashed again) or removed.
        var entries = 0
        /// The bytes of the files hashed.
        var bytes: Int64 = 0
    }

    /// Walks the worktree and updates the in-memory index.
    @discardableResult
    func scan() throws -> Changes {
        let root = repository.workspace.isEmpty ? "/" : repository.workspace
        let fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw GitError.fromErrno(errno, operation: "reading workspace \(root)") }
        defer {
            close(fd)
            if let parent { close(parent.fd) }
        }
        for entry in try WorktreeListing.list(root: fd, ignore: ignore) {
            try consider(entry, root: fd)
        }

        var removed: [String] = []
        if seenCount < seen.count {
            for position in seen.indices where !seen[position] {
                if let entry = git_index_get_byindex(index, position) {
                    removed.append(String(cString: entry.pointee.path))
                }
            }
        }
        for path in removed {
            try check(git_index_remove(index, path, 0), "dropping \(path) from the index")
        }
        var changes = Changes(entries: removed.count + pending.count)
        for entry in pending {
            try Self.addEntry(to: index, path: entry.path, info: entry.info, mode: entry.mode, id: entry.id)
            changes.bytes += Int64(entry.info.st_size)
        }
        return changes
    }

    /// Records `path` in the index with the given stat data and object id.
    static func addEntry(to index: OpaquePointer, path: String, info: stat, mode: UInt32, id: git_oid) throws {
        var entry = git_index_entry()
        entry.ctime = git_index_time(
            seconds: Int32(truncatingIfNeeded: info.st_ctim.tv_sec), nanoseconds: UInt32(truncatingIfNeeded: info.st_ctim.tv_nsec))
        entry.mtime = git_index_time(
            seconds: Int32(truncatingIfNeeded: info.st_mtim.tv_sec), nanoseconds: UInt32(truncatingIfNeeded: info.st_mtim.tv_nsec))
        entry.dev = UInt32(truncatingIfNeeded: info.st_dev)
        entry.ino = UInt32(truncatingIfNeeded: info.st_ino)
        entry.mode = mode
        entry.uid = info.st_uid
        entry.gid = info.st_gid
        entry.file_size = UInt32(truncatingIfNeeded: info.st_size)
        entry.id = id
        // Just hashed from disk: libgit2 need not re-check it for raciness when writing the index.
        entry.flags_extended = UInt16(GIT_INDEX_ENTRY_UPTODATE.rawValue)
        let result = path.withCString { cPath -> Int32 in
            entry.path = cPath
            return git_index_add(index, &entry)
        }
        try check(result, "adding \(path) to the index")
    }

    // MARK: Comparing

    /// Compares a listed file with its index entry, and stores its content when it changed.
    private func consider(_ entry: WorktreeListing.Entry, root: Int32) throws {
        let info = entry.info
        let kind = info.st_mode & S_IFMT
        let mode: UInt32
        if kind == S_IFREG {
            mode = (info.st_mode & S_IXUSR) != 0 ? Self.executableMode : Self.fileMode
        } else if kind == S_IFLNK {
            mode = Self.symlinkMode
        } else {
            return  // sockets, fifos and devices are not content
        }
        let path = entry.path
        var position = 0
        if git_index_find(&position, index, path) == 0, let indexed = git_index_get_byindex(index, position) {
            if isClean(indexed.pointee, info: info, mode: mode) {
                markSeen(position)
                return
            }
            guard let id = try storeContent(path: path, root: root, info: info, isSymlink: kind == S_IFLNK)
            else { return }  // deleted while we looked: its entry goes with the other deletions
            markSeen(position)
            pending.append(PendingEntry(path: path, info: info, mode: mode, id: id))
        } else if let id = try storeContent(path: path, root: root, info: info, isSymlink: kind == S_IFLNK) {
            pending.append(PendingEntry(path: path, info: info, mode: mode, id: id))
        }
    }

    private func markSeen(_ position: Int) {
        if !seen[position] {
            seen[position] = true
            seenCount += 1
        }
    }

    private func isClean(_ entry: git_index_entry, info: stat, mode: UInt32) -> Bool {
        guard entry.mode == mode,
            entry.file_size == UInt32(truncatingIfNeeded: info.st_size),
            entry.mtime.seconds == Int32(truncatingIfNeeded: info.st_mtim.tv_sec),
            entry.mtime.nanoseconds == UInt32(truncatingIfNeeded: info.st_mtim.tv_nsec),
            entry.ctime.seconds == Int32(truncatingIfNeeded: info.st_ctim.tv_sec),
            entry.ctime.nanoseconds == UInt32(truncatingIfNeeded: info.st_ctim.tv_nsec),
            entry.ino == UInt32(truncatingIfNeeded: info.st_ino),
            entry.uid == info.st_uid, entry.gid == info.st_gid
        else { return false }
        // Racily clean: written in the same clock tick as the index, so a later same-size edit could keep
        // identical stat data. Re-hash it.
        let stamped = (entry.mtime.seconds, entry.mtime.nanoseconds)
        return stamped < racyStamp || (racyStamp.seconds == 0 && racyStamp.nanoseconds == 0)
    }

    // MARK: Content

    /// Stores the file's content as a blob; nil when the file (or its folder) vanished since it was listed.
    private func storeContent(path: String, root: Int32, info: stat, isSymlink: Bool) throws -> git_oid? {
        let slash = path.lastIndex(of: "/")
        let folder = slash.map { String(path[..<$0]) } ?? ""
        let leaf = slash.map { String(path[path.index(after: $0)...]) } ?? path
        guard let dirFD = try folderDescriptor(folder, root: root) else { return nil }
        return try leaf.withCString { name in
            try storeContent(name: name, in: dirFD, path: path, info: info, isSymlink: isSymlink)
        }
    }

    /// The folder of the last file stored, kept open: the files that changed come folder by folder.
    private var parent: (path: String, fd: Int32)?

    /// `folder` opened from the workspace without following a symlink; nil when it vanished.
    private func folderDescriptor(_ folder: String, root: Int32) throws -> Int32? {
        if let parent, parent.path == folder { return parent.fd }
        if let parent { close(parent.fd) }
        parent = nil
        guard let fd = try WorktreeListing.withFolder(folder, under: root, { dup($0) }), fd >= 0 else { return nil }
        parent = (folder, fd)
        return fd
    }

    private func storeContent(
        name: UnsafePointer<CChar>, in dirFD: Int32, path: String, info: stat, isSymlink: Bool
    ) throws -> git_oid? {
        if isSymlink {
            let capacity = max(Int(info.st_size) + 1, 256)
            if scratch.count < capacity { scratch = [UInt8](repeating: 0, count: capacity) }
            let length = scratch.withUnsafeMutableBytes { readlinkat(dirFD, name, $0.baseAddress!.assumingMemoryBound(to: CChar.self), capacity) }
            guard length >= 0 else {
                if errno == ENOENT { return nil }
                throw GitError.fromErrno(errno, operation: "reading symlink \(path)")
            }
            return try scratch.withUnsafeBytes { try writeBlob(UnsafeRawBufferPointer(rebasing: $0[..<length]), path: path) }
        }
        let fd = openat(dirFD, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)
        guard fd >= 0 else {
            if errno == ENOENT { return nil }
            throw GitError.fromErrno(errno, operation: "reading \(path)")
        }
        defer { close(fd) }
        let size = Int(info.st_size)
        if size > Self.streamThreshold {
            return try streamContent(fd: fd, size: size, path: path)
        }
        if scratch.count < size + 1 { scratch = [UInt8](repeating: 0, count: size + 1) }
        let length = try scratch.withUnsafeMutableBytes { buffer -> Int in
            var total = 0
            while total < buffer.count {
                let count = read(fd, buffer.baseAddress! + total, buffer.count - total)
                if count < 0 {
                    if errno == EINTR { continue }
                    throw GitError.fromErrno(errno, operation: "reading \(path)")
                }
                if count == 0 { break }
                total += count
            }
            return total
        }
        if length > size {
            // Grew while we read: take it whole; the stat data recorded is older, so it is re-hashed next time.
            let data = try Self.readAll(fd: fd, prefix: Array(scratch[..<length]), path: path)
            return try data.withUnsafeBytes { try writeBlob($0, path: path) }
        }
        return try scratch.withUnsafeBytes { try writeBlob(UnsafeRawBufferPointer(rebasing: $0[..<length]), path: path) }
    }

    private static func readAll(fd: Int32, prefix: [UInt8], path: String) throws -> [UInt8] {
        var data = prefix
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw GitError.fromErrno(errno, operation: "reading \(path)")
            }
            if count == 0 { return data }
            data.append(contentsOf: chunk[..<count])
        }
    }

    /// Writes a blob, noting it in the batch when there is one.
    private func writeBlob(_ bytes: UnsafeRawBufferPointer, path: String) throws -> git_oid {
        let id = try repository.writeBlob(bytes, path: path)
        try batch?.stored(id, size: bytes.count)
        return id
    }

    /// Writes a large file to the object database in chunks, so memory stays bounded (loose, in the
    /// repository's own database, even while a batch gathers the other files in memory).
    private func streamContent(fd: Int32, size: Int, path: String) throws -> git_oid {
        var owned: OpaquePointer?
        if batch == nil { try check(git_repository_odb(&owned, repository.handle), "opening the object database") }
        defer { if let owned { git_odb_free(owned) } }
        let odb = batch?.disk ?? owned
        var stream: UnsafeMutablePointer<git_odb_stream>?
        try check(git_odb_open_wstream(&stream, odb, git_object_size_t(size), GIT_OBJECT_BLOB), "storing \(path)")
        defer { git_odb_stream_free(stream) }
        var chunk = [UInt8](repeating: 0, count: 1 << 20)
        var remaining = size
        while remaining > 0 {
            let count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, min($0.count, remaining)) }
            if count < 0 {
                if errno == EINTR { continue }
                throw GitError.fromErrno(errno, operation: "reading \(path)")
            }
            if count == 0 {
                throw GitError(.io, operation: "reading \(path)", reason: "the file shrank while it was being stored; retry")
            }
            try chunk.withUnsafeBytes { bytes in
                try check(
                    git_odb_stream_write(stream, bytes.baseAddress!.assumingMemoryBound(to: CChar.self), count),
                    "storing \(path)")
            }
            remaining -= count
        }
        var oid = git_oid()
        try check(git_odb_stream_finalize_write(&oid, stream), "storing \(path)")
        return oid
    }

    static func readSmallFile(_ path: String) -> String? {
        guard let handle = fopen(path, "rb") else { return nil }
        defer { fclose(handle) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = fread(&chunk, 1, chunk.count, handle)
            if count <= 0 { break }
            bytes.append(contentsOf: chunk[..<count])
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

extension Repository {
    /// Updates the index from the worktree, writes the tree it describes, and saves the index (with its
    /// stat cache and tree cache) so the next snapshot only hashes what changed.
    /// `ignoreRules` replaces the workspace's `.belayignore` for this snapshot (see `WorktreeScanner`).
    ///
    /// The index is only a cache: a snapshot that hashed a few small files leaves the saved one as it
    /// was. Writing 20,000 entries costs more than hashing those files again at the next snapshot,
    /// which finds them changed from the saved index (or newer than it) and hashes them, never
    /// trusting an entry it did not save. Once they add up past `unsavedLimit`, the index is saved.
    ///
    /// A first snapshot stores every file, so it writes them as packs (`PackBatch`), not as one loose
    /// file each.
    func snapshot(ignoreRules: String? = nil, batchLimit: (objects: Int, bytes: Int) = PackBatch.defaultLimit) throws -> ObjectID {
        let scanner = try WorktreeScanner(repository: self, ignoreRules: ignoreRules)
        let batch = scanner.isFirst ? try PackBatch(repository: self, limit: batchLimit) : nil
        defer { batch?.close() }
        scanner.batch = batch
        let changes = try scanner.scan()
        let tree = try writeIndexTree()
        try batch?.finish(tree: tree)
        if scanner.isFirst || changes.entries > Self.unsavedLimit.entries || changes.bytes > Self.unsavedLimit.bytes {
            try saveIndex()
        }
        return tree
    }

    /// The most a snapshot hashes again, for want of a saved index, before it saves one.
    static let unsavedLimit = (entries: 64, bytes: Int64(1 << 20))

    func writeIndexTree() throws -> ObjectID {
        var oid = git_oid()
        try check(git_index_write_tree(&oid, index), "writing the snapshot tree")
        return ObjectID(oid)
    }

    func saveIndex() throws {
        try check(git_index_write(index), "saving \(gitDirectory)/index")
    }
}
