import Foundation

/// Belay's own folder and files are private to the user whatever the umask: `.belay/` is 0700, the
/// files Belay writes in it 0600. A step's log may hold what a command printed, and the rollback
/// points hold copies of workspace files (keys included, unless `.belayignore` leaves them out).
enum PrivateFiles {
    static let fileMode: mode_t = 0o600
    static let folderMode: mode_t = 0o700

    /// Creates `.belay/` as 0700, or narrows an existing one to 0700.
    static func prepareStateFolder(of workspace: URL) {
        let path = workspace.appendingPathComponent(".belay").path
        if mkdir(path, folderMode) != 0 && errno == EEXIST {
            var info = stat()
            if lstat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR, info.st_mode & 0o077 != 0 {
                chmod(path, folderMode)
            }
        }
    }

    /// Writes `data` to `url` atomically, readable and writable by the user only.
    static func write(_ data: Data, to url: URL) throws {
        try data.write(to: url, options: .atomic)
        chmod(url.path, fileMode)
    }
}
