import CGit2
#if canImport(Glibc)
import Glibc
#endif

extension Repository {
    /// Whether `name` is a well-formed reference name.
    static func isValidReferenceName(_ name: String) -> Bool {
        var valid: Int32 = 0
        return git_reference_name_is_valid(&valid, name) == 0 && valid == 1
    }

    /// The commit a reference points at, or nil when it does not exist.
    func target(of name: String) throws -> ObjectID? {
        var oid = git_oid()
        let result = git_reference_name_to_id(&oid, handle, name)
        if result == GIT_ENOTFOUND.rawValue { return nil }
        try check(result, "reading \(name)")
        return ObjectID(oid)
    }

    /// Points `name` at `id` only if it still points at `expected` (nil: only if it does not exist yet).
    /// A concurrent change is reported as a `.conflict` error, never silently overwritten.
    /// `sync` false leaves the flush to a later `syncReferences` that names it.
    func compareAndSwapReference(
        _ name: String, to id: ObjectID, expected: ObjectID?, logMessage: String, sync: Bool = true
    ) throws {
        var newOID = id.oid
        var reference: OpaquePointer?
        let result: Int32
        if let expected {
            var oldOID = expected.oid
            result = git_reference_create_matching(&reference, handle, name, &newOID, 1, &oldOID, logMessage)
        } else {
            result = git_reference_create(&reference, handle, name, &newOID, 0, logMessage)
        }
        if result < 0 {
            var error = GitError.fromLibgit2(result, operation: "updating \(name)")
            if error.code == .alreadyExists || error.code == .conflict {
                error = GitError(
                    .conflict, operation: "updating \(name)",
                    reason: "it moved since it was read (expected \(expected?.short ?? "no reference")); "
                        + "another process is recording into the same run. \(error.reason)")
            }
            throw error
        }
        git_reference_free(reference)
        if sync { syncReferences([name]) }
    }

    /// Points `name` at `id` whatever it pointed at before.
    func forceReference(_ name: String, to id: ObjectID, logMessage: String, sync: Bool = true) throws {
        var oid = id.oid
        var reference: OpaquePointer?
        try check(git_reference_create(&reference, handle, name, &oid, 1, logMessage), "updating \(name)")
        git_reference_free(reference)
        if sync { syncReferences([name]) }
    }

    /// References whose names start with `prefix`, with the object each points at, sorted by name.
    func references(withPrefix prefix: String) throws -> [(name: String, target: ObjectID)] {
        var iterator: OpaquePointer?
        try check(git_reference_iterator_glob_new(&iterator, handle, prefix + "*"), "listing \(prefix)*")
        defer { git_reference_iterator_free(iterator) }
        var result: [(name: String, target: ObjectID)] = []
        var reference: OpaquePointer?
        while true {
            let step = git_reference_next(&reference, iterator)
            if step == GIT_ITEROVER.rawValue { break }
            try check(step, "listing \(prefix)*")
            defer { git_reference_free(reference) }
            guard let name = git_reference_name(reference).map({ String(cString: $0) }), name.hasPrefix(prefix),
                let target = git_reference_target(reference)
            else { continue }
            result.append((name, ObjectID(target)))
        }
        return result.sorted { $0.name < $1.name }
    }

    /// Flushes just-written loose references and their folders to disk: cheap (small files), and it
    /// keeps a ref update from vanishing in a power loss after the journal said it happened. Written
    /// first and flushed together, the references of one rollback point cost the file system one
    /// commit of its journal, not one each.
    func syncReferences(_ names: [String]) {
        var folders: [String] = []
        for name in names {
            let path = gitDirectory + "/" + name
            Self.flush(path)
            let folder = String(path[..<(path.lastIndex(of: "/") ?? path.endIndex)])
            if !folders.contains(folder) { folders.append(folder) }
        }
        folders.forEach(Self.flush)
    }

    private static func flush(_ path: String) {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd >= 0 {
            _ = fsync(fd)
            close(fd)
        }
    }
}
