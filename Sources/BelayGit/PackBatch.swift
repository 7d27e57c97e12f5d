import CGit2

/// Stores the objects of a workspace's first snapshot as packs instead of one loose file each.
///
/// A loose object is a file of its own, in one of 256 fan-out folders made as they are first
/// needed: a first snapshot of a few hundred files makes all 256 folders and a file per file, and
/// on a busy file system each costs a fraction of a millisecond. While a batch is open, the
/// repository writes into an object database whose first backend holds the new objects in memory
/// (reading the ones on disk through the others); every so often, and at the end, those objects go
/// to disk as one pack with its index, then leave memory. Nothing refers to an object before its pack
/// is complete: the commit and the references that name the snapshot come after `finish`.
///
/// Memory stays bounded: a batch holds at most its `limit` before it writes a pack, and files too large
/// to read whole are streamed to the repository's own object database, loose, as without a batch.
final class PackBatch {
    /// What a batch holds before it writes a pack: a first snapshot of a large workspace makes a few
    /// packs, none holding more than this in memory.
    static let defaultLimit = (objects: 100_000, bytes: 64 << 20)
    let limit: (objects: Int, bytes: Int)

    private let repository: Repository
    /// The repository's own object database, put back by `finish` or `close`.
    let disk: OpaquePointer
    private let memory: OpaquePointer
    private let mempack: UnsafeMutablePointer<git_odb_backend>
    /// Blobs held in memory, to pack at the next flush; trees are found from the root at the end.
    private var blobs: [git_oid] = []
    private var bytes = 0
    private var closed = false

    init(repository: Repository, limit: (objects: Int, bytes: Int) = PackBatch.defaultLimit) throws {
        self.repository = repository
        self.limit = limit
        var disk: OpaquePointer?
        try check(git_repository_odb(&disk, repository.handle), "opening the object database")
        guard let disk else { throw GitError(.libgit2, operation: "opening the object database", reason: "no handle") }
        var memory: OpaquePointer?
        var mempack: UnsafeMutablePointer<git_odb_backend>?
        var owned = false
        do {
            try check(git_odb_new(&memory), "preparing to pack the snapshot")
            try check(git_mempack_new(&mempack), "preparing to pack the snapshot")
            // The database owns the backend from here on, and frees it with itself.
            try check(git_odb_add_backend(memory, mempack, 1000), "preparing to pack the snapshot")
            owned = true
            try check(
                git_odb_add_disk_alternate(memory, repository.gitDirectory + "/objects"), "preparing to pack the snapshot")
            try check(git_repository_set_odb(repository.handle, memory), "preparing to pack the snapshot")
        } catch {
            if !owned, let mempack { mempack.pointee.free?(mempack) }
            if memory != nil { git_odb_free(memory) }
            git_odb_free(disk)
            throw error
        }
        self.disk = disk
        self.memory = memory!
        self.mempack = mempack!
    }

    deinit { close() }

    /// Notes a blob just written; past the limit, writes what the batch holds as a pack.
    func stored(_ id: git_oid, size: Int) throws {
        blobs.append(id)
        bytes += size
        if blobs.count >= limit.objects || bytes >= limit.bytes { try flush(tree: nil) }
    }

    /// Writes the rest, with every tree under `tree`, as a pack, and puts the repository's own
    /// object database back.
    func finish(tree: ObjectID) throws {
        try flush(tree: tree)
        close()
        try check(git_odb_refresh(disk), "refreshing the object database")
    }

    /// Puts the repository's own object database back; what was not written is dropped (nothing
    /// refers to it).
    func close() {
        guard !closed else { return }
        closed = true
        git_repository_set_odb(repository.handle, disk)
        git_odb_free(memory)
        git_odb_free(disk)
    }

    private func flush(tree: ObjectID?) throws {
        var builder: OpaquePointer?
        try check(git_packbuilder_new(&builder, repository.handle), "packing the snapshot")
        defer { git_packbuilder_free(builder) }
        for index in blobs.indices {
            try check(git_packbuilder_insert(builder, &blobs[index], nil), "packing the snapshot")
        }
        if let tree { try insertTrees(under: tree, into: builder) }
        guard git_packbuilder_object_count(builder) > 0 else { return }
        try check(
            git_packbuilder_write(builder, repository.gitDirectory + "/objects/pack", 0, nil, nil),
            "writing the snapshot's pack")
        // On disk now (the database reads the new pack once refreshed): memory can let go.
        try check(git_odb_refresh(memory), "refreshing the object database")
        try check(git_mempack_reset(mempack), "emptying the snapshot's batch")
        blobs.removeAll(keepingCapacity: true)
        bytes = 0
    }

    /// `tree` and every tree below it; their blobs are in `blobs` or already packed.
    private func insertTrees(under tree: ObjectID, into builder: OpaquePointer?) throws {
        var pending = [tree.oid]
        while var id = pending.popLast() {
            try check(git_packbuilder_insert(builder, &id, nil), "packing the snapshot")
            var object: OpaquePointer?
            try check(git_tree_lookup(&object, repository.handle, &id), "reading the snapshot's trees")
            defer { git_tree_free(object) }
            for position in 0..<git_tree_entrycount(object) {
                guard let entry = git_tree_entry_byindex(object, position), git_tree_entry_type(entry) == GIT_OBJECT_TREE,
                    let child = git_tree_entry_id(entry)
                else { continue }
                pending.append(child.pointee)
            }
        }
    }
}
