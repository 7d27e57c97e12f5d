import CGit2
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Belay's state repository, `<workspace>/.belay/git`, whose worktree is the workspace.
///
/// It is opened by explicit path with discovery switched off, so a user's own `.git` above or inside the
/// workspace is never read or written. A handle is not thread-safe: confine it to one actor.
final class Repository {
    /// The `git_repository *`.
    let handle: OpaquePointer
    /// The repository's index (`.belay/git/index`), kept loaded so its stat cache survives between snapshots.
    let index: OpaquePointer
    /// Absolute path of the workspace, without a trailing slash.
    let workspace: String
    /// Absolute path of `.belay/git`.
    let gitDirectory: String

    /// Opens the state repository of `workspace`, creating it when missing.
    init(workspace url: URL) throws {
        Libgit2.ensureInitialized()
        let workspace = try Self.canonicalDirectory(url)
        let gitDirectory = workspace + "/.belay/git"
        if access(gitDirectory + "/HEAD", F_OK) != 0 {
            try Self.create(gitDirectory: gitDirectory, workspace: workspace)
        }
        var repo: OpaquePointer?
        try check(
            git_repository_open_ext(&repo, gitDirectory, GIT_REPOSITORY_OPEN_NO_SEARCH.rawValue, nil),
            "opening the state repository \(gitDirectory)")
        guard let repo else { throw GitError(.libgit2, operation: "opening \(gitDirectory)", reason: "no handle") }
        // The configured core.worktree says the same, but Belay must never depend on it pointing elsewhere.
        let setWorkdir = git_repository_set_workdir(repo, workspace, 0)
        if setWorkdir < 0 {
            let error = GitError.fromLibgit2(setWorkdir, operation: "setting the worktree of \(gitDirectory)")
            git_repository_free(repo)
            throw error
        }
        var index: OpaquePointer?
        let loaded = git_repository_index(&index, repo)
        guard loaded >= 0, let index else {
            let error = GitError.fromLibgit2(loaded, operation: "loading \(gitDirectory)/index")
            git_repository_free(repo)
            throw error
        }
        self.handle = repo
        self.index = index
        self.workspace = workspace
        self.gitDirectory = gitDirectory
    }

    deinit {
        git_index_free(index)
        git_repository_free(handle)
    }

    /// The workspace's absolute, symlink-free path; it must be an existing directory.
    private static func canonicalDirectory(_ url: URL) throws -> String {
        let path = url.path
        guard let resolved = realpath(path, nil) else {
            throw GitError.fromErrno(errno, operation: "opening workspace \(path)")
        }
        defer { free(resolved) }
        var info = stat()
        let canonical = String(cString: resolved)
        guard stat(canonical, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR else {
            throw GitError(.io, operation: "opening workspace \(path)", reason: "not a directory")
        }
        return canonical == "/" ? "" : canonical
    }

    /// Creates `.belay/git` as a bare repository, then declares the workspace its worktree in the config.
    /// (A non-bare init would drop a `.git` link file into the workspace, which a user's tools would see.)
    private static func create(gitDirectory: String, workspace: String) throws {
        var options = git_repository_init_options()
        try check(
            git_repository_init_options_init(&options, UInt32(GIT_REPOSITORY_INIT_OPTIONS_VERSION)),
            "preparing to create \(gitDirectory)")
        options.flags = GIT_REPOSITORY_INIT_BARE.rawValue | GIT_REPOSITORY_INIT_MKPATH.rawValue
            | GIT_REPOSITORY_INIT_NO_DOTGIT_DIR.rawValue
        var repo: OpaquePointer?
        // HEAD names an unborn branch that Belay never creates; only refs/belay/* ever get written.
        let created = "refs/heads/belay-state".withCString { head -> Int32 in
            options.initial_head = head
            return git_repository_init_ext(&repo, gitDirectory, &options)
        }
        try check(created, "creating the state repository \(gitDirectory)")
        defer { git_repository_free(repo) }
        var config: OpaquePointer?
        try check(git_repository_config(&config, repo), "reading the config of \(gitDirectory)")
        defer { git_config_free(config) }
        // Set under the config's lock and written once when it is released: each setting on its
        // own rewrites the file through a lock file.
        var settings: OpaquePointer?
        try check(git_config_lock(&settings, config), "locking the config of \(gitDirectory)")
        defer { git_transaction_free(settings) }
        try check(git_config_set_bool(config, "core.bare", 0), "configuring \(gitDirectory)")
        try check(git_config_set_string(config, "core.worktree", "../.."), "configuring \(gitDirectory)")
        try check(git_config_set_bool(config, "core.logallrefupdates", 0), "configuring \(gitDirectory)")
        try check(git_config_set_int32(config, "gc.auto", 0), "configuring \(gitDirectory)")
        try check(git_transaction_commit(settings), "writing the config of \(gitDirectory)")
        // Keep the state out of a surrounding user repository's `git status`.
        let ignoreFile = workspace + "/.belay/.gitignore"
        if access(ignoreFile, F_OK) != 0 {
            _ = FileManager.default.createFile(atPath: ignoreFile, contents: Data("*\n".utf8))
        }
    }

    // MARK: Objects

    /// Writes `bytes` as a blob.
    func writeBlob(_ bytes: UnsafeRawBufferPointer, path: String) throws -> git_oid {
        var oid = git_oid()
        try check(
            git_blob_create_from_buffer(&oid, handle, bytes.baseAddress, bytes.count),
            "storing the content of \(path)")
        return oid
    }

    /// Creates a commit with Belay's fixed identity and the current time.
    func createCommit(tree: ObjectID, parent: ObjectID?, message: String) throws -> ObjectID {
        var signature: UnsafeMutablePointer<git_signature>?
        try check(git_signature_now(&signature, "Belay", "belay@localhost"), "creating the commit signature")
        defer { git_signature_free(signature) }
        var treeOID = tree.oid
        var treeObject: OpaquePointer?
        try check(git_tree_lookup(&treeObject, handle, &treeOID), "looking up tree \(tree)")
        defer { git_tree_free(treeObject) }
        var parents: [OpaquePointer?] = []
        defer { parents.forEach { git_commit_free($0) } }
        if let parent {
            var parentOID = parent.oid
            var parentObject: OpaquePointer?
            try check(git_commit_lookup(&parentObject, handle, &parentOID), "looking up parent commit \(parent)")
            parents.append(parentObject)
        }
        var commitOID = git_oid()
        let result = parents.withUnsafeMutableBufferPointer { buffer in
            git_commit_create(
                &commitOID, handle, nil, signature, signature, nil, message, treeObject, buffer.count, buffer.baseAddress)
        }
        try check(result, "creating the checkpoint commit")
        return ObjectID(commitOID)
    }

    /// Reads a commit's metadata.
    func commit(_ id: ObjectID) throws -> CommitInfo {
        var oid = id.oid
        var commit: OpaquePointer?
        try check(git_commit_lookup(&commit, handle, &oid), "reading commit \(id)")
        defer { git_commit_free(commit) }
        let message = git_commit_message(commit).map { String(cString: $0) } ?? ""
        var parents: [ObjectID] = []
        for position in 0..<git_commit_parentcount(commit) {
            if let parent = git_commit_parent_id(commit, position) { parents.append(ObjectID(parent)) }
        }
        return CommitInfo(
            id: id,
            tree: ObjectID(git_commit_tree_id(commit)),
            parents: parents,
            message: message,
            time: Date(timeIntervalSince1970: TimeInterval(git_commit_time(commit))),
            trailers: try Self.trailers(of: message))
    }

    /// The `Key: value` trailers of a message's last paragraph, in order.
    static func trailers(of message: String) throws -> [(key: String, value: String)] {
        var array = git_message_trailer_array()
        try check(git_message_trailers(&array, message), "reading the trailers of a commit message")
        defer { git_message_trailer_array_free(&array) }
        var result: [(key: String, value: String)] = []
        for position in 0..<array.count {
            let trailer = array.trailers[position]
            result.append((String(cString: trailer.key), String(cString: trailer.value)))
        }
        return result
    }

    /// Commits reachable from `tip` along first parents, oldest first.
    func firstParentHistory(from tip: ObjectID) throws -> [ObjectID] {
        var walk: OpaquePointer?
        try check(git_revwalk_new(&walk, handle), "walking history")
        defer { git_revwalk_free(walk) }
        try check(
            git_revwalk_sorting(walk, GIT_SORT_TOPOLOGICAL.rawValue | GIT_SORT_REVERSE.rawValue), "walking history")
        try check(git_revwalk_simplify_first_parent(walk), "walking history")
        var start = tip.oid
        try check(git_revwalk_push(walk, &start), "walking history from \(tip)")
        var result: [ObjectID] = []
        var next = git_oid()
        while true {
            let step = git_revwalk_next(&next, walk)
            if step == GIT_ITEROVER.rawValue { break }
            try check(step, "walking history from \(tip)")
            result.append(ObjectID(next))
        }
        return result
    }
}

/// A commit as Belay reads it back.
struct CommitInfo {
    let id: ObjectID
    let tree: ObjectID
    let parents: [ObjectID]
    let message: String
    let time: Date
    let trailers: [(key: String, value: String)]
}
