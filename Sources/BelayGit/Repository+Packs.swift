import CGit2
import Foundation

extension Repository {
    /// A git pack of the objects reachable from `commit` and not from `excluding`: what a reader
    /// that already has `excluding` needs to have `commit` too.
    func pack(commit: ObjectID, excluding: ObjectID?) throws -> Data {
        try withPackBuilder(from: [commit], hiding: excluding.map { [$0] } ?? []) { builder in
            var buffer = git_buf()
            defer { git_buf_dispose(&buffer) }
            try check(git_packbuilder_write_buf(&buffer, builder), "writing a pack")
            guard let bytes = buffer.ptr else { return Data() }
            return Data(bytes: bytes, count: buffer.size)
        }
    }

    /// Runs `body` with a pack builder that holds every object reachable from `tips` and not from
    /// `hidden`, for it to add to and write; the builder is freed after.
    func withPackBuilder<Result>(
        from tips: [ObjectID], hiding hidden: [ObjectID] = [], _ body: (OpaquePointer?) throws -> Result
    ) throws -> Result {
        var builder: OpaquePointer?
        try check(git_packbuilder_new(&builder, handle), "starting a pack")
        defer { git_packbuilder_free(builder) }
        var walk: OpaquePointer?
        try check(git_revwalk_new(&walk, handle), "walking the history to pack")
        defer { git_revwalk_free(walk) }
        for tip in tips {
            var oid = tip.oid
            try check(git_revwalk_push(walk, &oid), "walking from \(tip.short)")
        }
        for id in hidden {
            var oid = id.oid
            try check(git_revwalk_hide(walk, &oid), "walking past \(id.short)")
        }
        try check(git_packbuilder_insert_walk(builder, walk), "packing the history")
        return try body(builder)
    }

    /// Adds the objects of a pack written by `pack(commit:excluding:)`, with its index, to the
    /// repository's object store.
    func addPack(_ data: Data) throws {
        var indexer: OpaquePointer?
        var options = git_indexer_options()
        try check(git_indexer_options_init(&options, UInt32(GIT_INDEXER_OPTIONS_VERSION)), "preparing the pack index")
        try check(git_indexer_new(&indexer, gitDirectory + "/objects/pack", 0, nil, &options), "indexing a pack")
        defer { git_indexer_free(indexer) }
        var progress = git_indexer_progress()
        try data.withUnsafeBytes { raw in
            try check(git_indexer_append(indexer, raw.baseAddress, raw.count, &progress), "indexing a pack")
        }
        try check(git_indexer_commit(indexer, &progress), "indexing a pack")
        var database: OpaquePointer?
        try check(git_repository_odb(&database, handle), "opening the object store")
        defer { git_odb_free(database) }
        try check(git_odb_refresh(database), "refreshing the object store")
    }
}

extension CheckpointStore {
    /// The objects the run's commit `commit` adds to its parent, as a git pack.
    public func pack(commit: String, parent: String?) throws -> Data {
        guard let commitID = ObjectID(hex: commit) else { throw GitError(.libgit2, operation: "packing", reason: "bad id \(commit)") }
        return try repository.pack(commit: commitID, excluding: parent.flatMap(ObjectID.init(hex:)))
    }

    /// Adds a pack's objects, then points the run's history at `head` and each of `points` at its commit
    /// (as another runner recorded them).
    public func adopt(pack: Data, run: String, head: String, points: [(name: String, commit: String)]) throws {
        guard let headID = ObjectID(hex: head) else { throw GitError(.libgit2, operation: "adopting", reason: "bad id \(head)") }
        if !pack.isEmpty, (try? repository.commit(headID)) == nil { try repository.addPack(pack) }
        try repository.forceReference(Self.runReference(run), to: headID, logMessage: "belay: from the store")
        for (name, commit) in points {
            guard let id = ObjectID(hex: commit) else { continue }
            try repository.forceReference(Self.pointReference(run: run, point: name), to: id, logMessage: "belay: from the store")
        }
    }
}
