import CGit2
import Foundation
#if canImport(Glibc)
import Glibc
#endif

extension Repository {
    /// Deletes a reference; one already gone is not an error.
    func deleteReference(_ name: String) throws {
        let result = git_reference_remove(handle, name)
        if result == GIT_ENOTFOUND.rawValue { return }
        try check(result, "deleting \(name)")
    }

    /// Builds one pack of every object reachable from `tips` and from the index (the stat cache
    /// names blobs the next snapshot reuses without writing them again). With `write`, the pack
    /// replaces every other pack and loose object of the repository; otherwise nothing changes
    /// and only its size is measured. Returns the size of the objects before and after, in bytes.
    func repack(keeping tips: [ObjectID], write: Bool) throws -> (before: Int64, after: Int64) {
        let objects = gitDirectory + "/objects"
        let before = Self.folderSize(objects)
        guard write else {
            let size = try withPackBuilder(from: tips) { builder in
                try insertIndexObjects(into: builder, writeTree: false)
                var buffer = git_buf()
                defer { git_buf_dispose(&buffer) }
                try check(git_packbuilder_write_buf(&buffer, builder), "measuring the pack")
                // The index of a pack costs about 28 bytes an object beside the pack itself.
                return Int64(buffer.size) + Int64(git_packbuilder_object_count(builder)) * 28 + 1072
            }
            return (before, size)
        }
        let name = try withPackBuilder(from: tips) { builder in
            try insertIndexObjects(into: builder, writeTree: true)
            try check(git_packbuilder_write(builder, objects + "/pack", 0o444, nil, nil), "writing the pack")
            guard let name = git_packbuilder_name(builder).map({ String(cString: $0) }) else {
                throw GitError(.libgit2, operation: "writing the pack", reason: "libgit2 gave the pack no name")
            }
            return name
        }
        Self.syncFolder(objects + "/pack")
        try removeObjects(exceptPack: "pack-\(name)", objects: objects)
        var database: OpaquePointer?
        try check(git_repository_odb(&database, handle), "opening the object store")
        defer { git_odb_free(database) }
        try check(git_odb_refresh(database), "refreshing the object store")
        return (before, Self.folderSize(objects))
    }

    /// The blobs of the index's entries, and (when the index tree may be written) its trees, which
    /// the tree cache hands to the next snapshot.
    private func insertIndexObjects(into builder: OpaquePointer?, writeTree: Bool) throws {
        try check(git_index_read(index, 0), "reloading \(gitDirectory)/index")
        if writeTree, git_index_entrycount(index) > 0 {
            var tree = try writeIndexTree().oid
            try check(git_packbuilder_insert_tree(builder, &tree), "packing the index's tree")
            return
        }
        var database: OpaquePointer?
        try check(git_repository_odb(&database, handle), "opening the object store")
        defer { git_odb_free(database) }
        for position in 0..<git_index_entrycount(index) {
            guard let entry = git_index_get_byindex(index, position) else { continue }
            var id = entry.pointee.id
            if git_odb_exists(database, &id) == 1 { try check(git_packbuilder_insert(builder, &id, nil), "packing the index") }
        }
    }

    /// Removes every pack but `keep` and every loose object: all of them are in `keep` now.
    private func removeObjects(exceptPack keep: String, objects: String) throws {
        let manager = FileManager.default
        let packFolder = objects + "/pack"
        for name in (try? manager.contentsOfDirectory(atPath: packFolder)) ?? [] where name.hasPrefix("pack-") {
            let stem = name.split(separator: ".").first.map(String.init) ?? name
            if stem != keep { unlink(packFolder + "/" + name) }
        }
        for name in (try? manager.contentsOfDirectory(atPath: objects)) ?? []
        where name.utf8.count == 2 && name.utf8.allSatisfy({ (48...57).contains($0) || (97...102).contains($0) }) {
            try? manager.removeItem(atPath: objects + "/" + name)
        }
    }

    static func folderSize(_ path: String) -> Int64 { FolderSize.bytes(under: path) }

    private static func syncFolder(_ path: String) {
        for name in (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? [] {
            let fd = open(path + "/" + name, O_RDONLY | O_CLOEXEC)
            if fd >= 0 {
                _ = fsync(fd)
                close(fd)
            }
        }
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd >= 0 {
            _ = fsync(fd)
            close(fd)
        }
    }
}

extension CheckpointStore {
    /// What a collection of the repository freed, or would free.
    public struct Collection: Sendable, Hashable {
        /// Bytes under `objects/` before.
        public var bytesBefore: Int64
        /// Bytes under `objects/` after (measured, or estimated for a dry run).
        public var bytesAfter: Int64

        public init(bytesBefore: Int64, bytesAfter: Int64) {
            self.bytesBefore = bytesBefore
            self.bytesAfter = bytesAfter
        }
    }

    /// Forgets the runs `runs` (their history and rollback point refs) and repacks what the other
    /// runs and the index still reach into one pack, dropping everything else. With `dryRun`,
    /// nothing changes and the sizes are what the collection would leave.
    public func collect(removing runs: [String], dryRun: Bool) throws -> Collection {
        for run in runs { try Self.validateName(run, what: "run id") }
        let removed = Set(runs)
        var tips: [ObjectID] = []
        for reference in try repository.references(withPrefix: "refs/") {
            if let run = Self.run(ofReference: reference.name), removed.contains(run) { continue }
            tips.append(reference.target)
        }
        if !dryRun {
            for run in runs {
                for point in try repository.references(withPrefix: "refs/belay/points/\(run)/") {
                    try repository.deleteReference(point.name)
                }
                try repository.deleteReference(Self.runReference(run))
                rmdir(repository.gitDirectory + "/refs/belay/points/\(run)")
            }
        }
        let sizes = try repository.repack(keeping: tips, write: !dryRun)
        return Collection(bytesBefore: sizes.before, bytesAfter: sizes.after)
    }

    /// The run a `refs/belay/runs/<run>` or `refs/belay/points/<run>/<point>` reference belongs to.
    static func run(ofReference name: String) -> String? {
        for prefix in ["refs/belay/runs/", "refs/belay/points/"] where name.hasPrefix(prefix) {
            return name.dropFirst(prefix.count).split(separator: "/").first.map(String.init)
        }
        return nil
    }
}

/// How much room a folder takes: the bytes of its regular files, links not followed.
public enum FolderSize {
    /// The bytes of the regular files under `path`, symlinks not followed. Walked with directory
    /// descriptors (`status` sums a state folder of thousands of files on every call).
    public static func bytes(under path: String) -> Int64 {
        let fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { return 0 }
        return bytes(inDirectory: fd)
    }

    /// Sums the directory `fd` (closed here) and everything below it.
    private static func bytes(inDirectory fd: Int32) -> Int64 {
        guard let directory = fdopendir(fd) else {
            close(fd)
            return 0
        }
        defer { closedir(directory) }
        let parent = dirfd(directory)
        var total: Int64 = 0
        while let item = readdir(directory) {
            total += withUnsafePointer(to: &item.pointee.d_name) { raw in
                raw.withMemoryRebound(to: CChar.self, capacity: 256) { name -> Int64 in
                    if name[0] == 0x2E && (name[1] == 0 || (name[1] == 0x2E && name[2] == 0)) { return 0 }
                    let type = item.pointee.d_type
                    if type == UInt8(DT_DIR) {
                        let child = openat(parent, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
                        return child >= 0 ? bytes(inDirectory: child) : 0
                    }
                    if type != UInt8(DT_REG) && type != UInt8(DT_UNKNOWN) { return 0 }
                    var info = stat()
                    guard fstatat(parent, name, &info, AT_SYMLINK_NOFOLLOW) == 0 else { return 0 }
                    switch info.st_mode & S_IFMT {
                    case S_IFREG: return Int64(info.st_size)
                    case S_IFDIR:
                        let child = openat(parent, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
                        return child >= 0 ? bytes(inDirectory: child) : 0
                    default: return 0
                    }
                }
            }
        }
        return total
    }
}
