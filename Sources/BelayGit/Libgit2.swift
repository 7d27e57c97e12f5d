import CGit2

/// libgit2's process-wide state. Every entry point that touches libgit2 calls `Libgit2.ensureInitialized()`
/// first; initialisation is reference-counted by libgit2 and never undone, since Belay uses it for the
/// life of the process.
public enum Libgit2 {
    private static let initialized: Bool = {
        git_libgit2_init()
        return true
    }()

    public static func ensureInitialized() {
        _ = initialized
    }

    /// The linked libgit2 version, e.g. "1.5.1".
    public static var version: String {
        ensureInitialized()
        var major: Int32 = 0, minor: Int32 = 0, patch: Int32 = 0
        git_libgit2_version(&major, &minor, &patch)
        return "\(major).\(minor).\(patch)"
    }
}
