import CGit2
import Foundation

/// libgit2's process-wide state. Every entry point that touches libgit2 calls `Libgit2.ensureInitialized()`
/// first; initialisation is reference-counted by libgit2 and never undone, since Belay uses it for the
/// life of the process.
public enum Libgit2 {
    private static let initialized: Bool = {
        git_libgit2_init()
        // Belay writes only objects it has just hashed and commits whose parents it has just read, so
        // libgit2's existence checks on every object creation are pure overhead on the checkpoint path.
        _ = belay_git_opts_set_int(Int32(GIT_OPT_ENABLE_STRICT_OBJECT_CREATION.rawValue), 0)
        // The state repository is Belay's alone: the user's global, XDG and system git configuration
        // must not change how it behaves (hooks, fsync, autocrlf, default branch...).
        for level in [GIT_CONFIG_LEVEL_PROGRAMDATA, GIT_CONFIG_LEVEL_SYSTEM, GIT_CONFIG_LEVEL_XDG, GIT_CONFIG_LEVEL_GLOBAL] {
            _ = belay_git_opts_set_search_path(level.rawValue, "")
        }
        return true
    }()

    public static func ensureInitialized() {
        _ = initialized
    }

    /// Runs `body` while libgit2 starts on a thread of its own, for a command that has other work
    /// to do before it needs it: the start loads the system's certificates (about 8 ms), which then
    /// overlaps that work instead of following it. The first use waits for the start to finish, and
    /// so does the end of `body`, thrown or returned: a process that exits early (a bad playbook)
    /// must not exit while libgit2 is still starting the libraries it loads.
    public static func starting<T>(whileRunning body: () async throws -> T) async rethrows -> T {
        Thread.detachNewThread { ensureInitialized() }
        defer { ensureInitialized() }
        return try await body()
    }

    /// The linked libgit2 version, e.g. "1.5.1".
    public static var version: String {
        ensureInitialized()
        var major: Int32 = 0, minor: Int32 = 0, patch: Int32 = 0
        git_libgit2_version(&major, &minor, &patch)
        return "\(major).\(minor).\(patch)"
    }
}
