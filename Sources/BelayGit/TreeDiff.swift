import CGit2

extension Repository {
    /// The files that differ from `old` (nil: the empty tree) to `new`, sorted by path, with line counts.
    func changes(from old: ObjectID?, to new: ObjectID, detectRenames: Bool) throws -> [FileChange] {
        let oldTree: OpaquePointer? = try old.flatMap { try lookupTree($0) }
        defer { git_tree_free(oldTree) }
        let newTree = try lookupTree(new)
        defer { git_tree_free(newTree) }

        var options = git_diff_options()
        try check(git_diff_options_init(&options, UInt32(GIT_DIFF_OPTIONS_VERSION)), "preparing a diff")
        options.flags |= GIT_DIFF_INCLUDE_TYPECHANGE.rawValue
        // Counting lines loads both versions of a file; above this size a file is counted as binary
        // instead, so comparing points costs bounded memory whatever the files weigh.
        options.max_size = Self.maxLineCountedSize
        var diff: OpaquePointer?
        try check(
            git_diff_tree_to_tree(&diff, handle, oldTree, newTree, &options),
            "comparing \(old?.short ?? "the empty tree") with \(new.short)")
        defer { git_diff_free(diff) }

        if detectRenames {
            var find = git_diff_find_options()
            try check(git_diff_find_options_init(&find, UInt32(GIT_DIFF_FIND_OPTIONS_VERSION)), "preparing rename detection")
            find.flags = GIT_DIFF_FIND_RENAMES.rawValue
            try check(git_diff_find_similar(diff, &find), "detecting renames")
        }

        var result: [FileChange] = []
        for position in 0..<git_diff_num_deltas(diff) {
            var patch: OpaquePointer?
            try check(git_patch_from_diff(&patch, diff, position), "computing the changes of a file")
            defer { git_patch_free(patch) }
            var added = 0, removed = 0
            if let patch { try check(git_patch_line_stats(nil, &added, &removed, patch), "counting changed lines") }
            guard let delta = git_diff_get_delta(diff, position)?.pointee else { continue }
            let oldPath = String(cString: delta.old_file.path)
            let newPath = String(cString: delta.new_file.path)
            let kind: FileChange.Kind
            switch delta.status {
            case GIT_DELTA_ADDED, GIT_DELTA_COPIED, GIT_DELTA_UNTRACKED: kind = .added
            case GIT_DELTA_DELETED: kind = .deleted
            case GIT_DELTA_RENAMED: kind = .renamed
            case GIT_DELTA_TYPECHANGE: kind = .typeChanged
            default: kind = .modified
            }
            let isBinary = (delta.flags & GIT_DIFF_FLAG_BINARY.rawValue) != 0
            result.append(
                FileChange(
                    path: kind == .deleted ? oldPath : newPath, kind: kind,
                    linesAdded: isBinary ? 0 : added, linesRemoved: isBinary ? 0 : removed, isBinary: isBinary,
                    oldPath: kind == .renamed ? oldPath : nil))
        }
        return result.sorted { $0.path < $1.path }
    }

    /// Files larger than this (bytes) get no line counts: they are reported as binary.
    static let maxLineCountedSize: Int64 = 8 * 1024 * 1024

    /// The caller frees the returned `git_tree *`.
    func lookupTree(_ id: ObjectID) throws -> OpaquePointer? {
        var oid = id.oid
        var tree: OpaquePointer?
        try check(git_tree_lookup(&tree, handle, &oid), "reading tree \(id)")
        return tree
    }
}
