import Foundation

/// Folders that must never be a workspace: a rollback there would restore (and delete) files the
/// whole machine or a person's home depends on. Only the folder itself is refused; a project
/// inside a home folder is fine.
public enum WorkspaceFolder {
    /// Why a folder is refused as a workspace.
    public enum Refusal: String, Sendable, Hashable {
        case root = "the root folder"
        case home = "a home folder"
        case system = "a system folder"
    }

    /// Top-level folders of Linux and macOS systems, and the system folders under them.
    static let systemFolders: Set<String> = [
        "/bin", "/boot", "/dev", "/etc", "/home", "/lib", "/lib32", "/lib64", "/libx32", "/media", "/mnt",
        "/opt", "/proc", "/root", "/run", "/sbin", "/srv", "/sys", "/tmp", "/usr", "/var",
        "/usr/bin", "/usr/lib", "/usr/local", "/usr/sbin", "/usr/share", "/var/lib", "/var/log", "/var/tmp",
        "/Applications", "/Library", "/System", "/Users", "/Volumes", "/private", "/private/etc",
        "/private/tmp", "/private/var",
    ]

    /// Why `path` may not be a workspace, or nil when it may. Checked as given and with symlinks
    /// resolved, so `/tmp/link-to-root` is refused as `/` is.
    public static func refusal(for path: String, home: String? = ProcessInfo.processInfo.environment["HOME"]) -> Refusal? {
        var seen = [normalized(path)]
        if let resolved = realpath(path, nil) {
            seen.append(normalized(String(cString: resolved)))
            free(resolved)
        }
        let homes = homeFolders(home)
        for candidate in seen {
            if candidate == "/" { return .root }
            if homes.contains(candidate) { return .home }
            if systemFolders.contains(candidate) { return .system }
        }
        return nil
    }

    private static func normalized(_ path: String) -> String {
        let standard = URL(fileURLWithPath: path).standardizedFileURL.path
        return standard.count > 1 && standard.hasSuffix("/") ? String(standard.dropLast()) : standard
    }

    /// `$HOME`, and the home folders of root and of people's accounts (uid 1000 and up, not
    /// `nobody`) from the user database. Service accounts are left out: their "home" is often the
    /// very folder a deploy works in (`/var/www`).
    private static func homeFolders(_ home: String?) -> Set<String> {
        var homes = Set<String>()
        if let home, !home.isEmpty { homes.insert(normalized(home)) }
        setpwent()
        while let entry = getpwent() {
            let uid = entry.pointee.pw_uid
            guard uid == 0 || (uid >= 1000 && uid != 65534), let dir = entry.pointee.pw_dir else { continue }
            homes.insert(normalized(String(cString: dir)))
        }
        endpwent()
        return homes
    }
}
