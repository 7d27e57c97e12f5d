import CGit2
import Foundation

/// The captured outputs of a rollback point (docs/captures.md): one blob per capture in a tree of
/// their own, committed on top of the point's commit and named `refs/belay/captures/<run>/<point>`.
/// The point's own tree stays exactly the workspace's, so a restore never writes a capture out.
extension CheckpointStore {
    public static func captureReference(run: String, point: String) -> String { "refs/belay/captures/\(run)/\(point)" }

    /// Stores `outputs` (capture name → bytes) for the point `point` of `run`, whose commit is
    /// `parent`; returns the captures' commit. A point recorded again replaces its captures.
    public func recordCaptures(run: String, point: String, parent: ObjectID?, outputs: [String: Data]) throws -> ObjectID {
        try Self.validateName(run, what: "run id")
        try Self.validateName(point, what: "point name")
        let tree = try repository.tree(of: outputs)
        let message = "belay: \(run) captures \(point)\n\nBelay-Run: \(run)\nBelay-Point: \(point)\n"
        let commit = try repository.createCommit(tree: tree, parent: parent, message: message)
        try repository.forceReference(
            Self.captureReference(run: run, point: point), to: commit, logMessage: "belay: captures \(point)")
        return commit
    }

    /// The captures stored with the point `point` of `run`, or nil when it has none.
    public func captures(run: String, point: String) throws -> [String: Data]? {
        try Self.validateName(run, what: "run id")
        try Self.validateName(point, what: "point name")
        guard let id = try repository.target(of: Self.captureReference(run: run, point: point)) else { return nil }
        return try repository.blobs(in: try repository.commit(id).tree)
    }

    /// A unified diff of two texts (`old` nil: empty), with three lines of context; "" when equal.
    public static func unifiedDiff(old: Data?, new: Data?, oldName: String, newName: String) -> String {
        Libgit2.ensureInitialized()
        let oldBytes = old ?? Data(), newBytes = new ?? Data()
        var patch: OpaquePointer?
        let made = oldBytes.withUnsafeBytes { oldBuffer in
            newBytes.withUnsafeBytes { newBuffer in
                git_patch_from_buffers(
                    &patch, oldBuffer.baseAddress, oldBuffer.count, oldName, newBuffer.baseAddress, newBuffer.count,
                    newName, nil)
            }
        }
        guard made == 0, let patch else { return "" }
        defer { git_patch_free(patch) }
        var buffer = git_buf()
        guard git_patch_to_buf(&buffer, patch) == 0 else { return "" }
        defer { git_buf_dispose(&buffer) }
        guard let pointer = buffer.ptr else { return "" }
        let text = String(decoding: UnsafeRawBufferPointer(start: pointer, count: buffer.size), as: UTF8.self)
        // git's `diff --git` and `index` lines name blobs nobody looks up: the patch starts at `---`.
        guard let start = text.range(of: "--- ") else { return text }
        return String(text[start.lowerBound...])
    }
}

extension Repository {
    /// A flat tree of blobs, one per name.
    func tree(of files: [String: Data]) throws -> ObjectID {
        var builder: OpaquePointer?
        try check(git_treebuilder_new(&builder, handle, nil), "preparing the captures' tree")
        defer { git_treebuilder_free(builder) }
        for (name, bytes) in files.sorted(by: { $0.key < $1.key }) {
            var blob = try bytes.withUnsafeBytes { try writeBlob($0, path: "capture \(name)") }
            try check(
                git_treebuilder_insert(nil, builder, name, &blob, GIT_FILEMODE_BLOB), "adding the capture \(name)")
        }
        var tree = git_oid()
        try check(git_treebuilder_write(&tree, builder), "writing the captures' tree")
        return ObjectID(tree)
    }

    /// The blobs at the top of a tree, by name.
    func blobs(in treeID: ObjectID) throws -> [String: Data] {
        let tree = try lookupTree(treeID)
        defer { git_tree_free(tree) }
        var result: [String: Data] = [:]
        for position in 0..<git_tree_entrycount(tree) {
            guard let entry = git_tree_entry_byindex(tree, position), git_tree_entry_type(entry) == GIT_OBJECT_BLOB,
                let id = git_tree_entry_id(entry)
            else { continue }
            let name = String(cString: git_tree_entry_name(entry))
            var oid = id.pointee
            var blob: OpaquePointer?
            try check(git_blob_lookup(&blob, handle, &oid), "reading the capture \(name)")
            defer { git_blob_free(blob) }
            let size = Int(git_blob_rawsize(blob))
            result[name] = size == 0 ? Data() : Data(bytes: git_blob_rawcontent(blob), count: size)
        }
        return result
    }
}
