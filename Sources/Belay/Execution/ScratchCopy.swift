import Foundation

/// Copies a workspace into a rehearsal's scratch folder as a run would record it: regular files
/// (with their permissions), symbolic links as links, folders; sockets, FIFOs and devices are
/// skipped (never opened, so a FIFO cannot block the copy), like rollback points skip them.
enum ScratchCopy {
    /// What was left out, as `kind path` (relative), for the record's notes.
    static func copy(from source: URL, to target: URL, skipping excluded: Set<String>) throws -> [String] {
        var skipped: [String] = []
        try copyFolder(source.path, target.path, relative: "", excluded: excluded, skipped: &skipped)
        return skipped
    }

    private static func copyFolder(
        _ source: String, _ target: String, relative: String, excluded: Set<String>, skipped: inout [String]
    ) throws {
        var info = stat()
        guard lstat(source, &info) == 0 else { throw failure("cannot read", source) }
        guard mkdir(target, (info.st_mode & 0o7777) | 0o700) == 0 || errno == EEXIST else {
            throw failure("cannot create", target)
        }
        for name in try FileManager.default.contentsOfDirectory(atPath: source).sorted() {
            let path = relative.isEmpty ? name : relative + "/" + name
            if relative.isEmpty && excluded.contains(name) { continue }
            let from = source + "/" + name, to = target + "/" + name
            var entry = stat()
            guard lstat(from, &entry) == 0 else { throw failure("cannot read", from) }
            switch entry.st_mode & S_IFMT {
            case S_IFDIR:
                try copyFolder(from, to, relative: path, excluded: excluded, skipped: &skipped)
            case S_IFLNK:
                let destination = try FileManager.default.destinationOfSymbolicLink(atPath: from)
                guard symlink(destination, to) == 0 else { throw failure("cannot create the link", to) }
            case S_IFREG:
                try copyFile(from, to, mode: entry.st_mode & 0o7777)
            case S_IFIFO:
                skipped.append("fifo \(path)")
            case S_IFSOCK:
                skipped.append("socket \(path)")
            default:
                skipped.append("device \(path)")
            }
        }
    }

    private static func copyFile(_ from: String, _ to: String, mode: mode_t) throws {
        // O_NONBLOCK: should the entry have become a FIFO since it was looked at, opening it does not wait.
        let input = open(from, O_RDONLY | O_NONBLOCK | O_NOFOLLOW | O_CLOEXEC)
        guard input >= 0 else { throw failure("cannot open", from) }
        defer { close(input) }
        var info = stat()
        guard fstat(input, &info) == 0, info.st_mode & S_IFMT == S_IFREG else { throw failure("not a regular file:", from) }
        let output = open(to, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)
        guard output >= 0 else { throw failure("cannot create", to) }
        defer { close(output) }
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(input, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            guard count >= 0 else { throw failure("cannot read", from) }
            if count == 0 { break }
            var offset = 0
            while offset < count {
                let written = buffer.withUnsafeBytes { write(output, $0.baseAddress! + offset, count - offset) }
                if written < 0 && errno == EINTR { continue }
                guard written > 0 else { throw failure("cannot write", to) }
                offset += written
            }
        }
        fchmod(output, mode)
    }

    private static func failure(_ what: String, _ path: String) -> NSError {
        NSError(domain: "belay.scratch", code: Int(errno), userInfo: [
            NSLocalizedDescriptionKey: "\(what) \(path): \(String(cString: strerror(errno)))",
        ])
    }
}
