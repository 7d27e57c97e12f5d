#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Keeps a policy's globs inside the policy's folder unless it says `read_outside_policy_folder: true`:
/// a policy is often reviewed less carefully than code, and `/**/*.xml` read 1,749 files under `/`.
enum PolicyFolder {
    /// Whether a pattern names a place outside the folder: absolute, or climbing out with `..`.
    static func leaves(_ pattern: String) -> Bool {
        if pattern.hasPrefix("/") || pattern.hasPrefix("~") { return true }
        var depth = 0
        for segment in pattern.split(separator: "/", omittingEmptySubsequences: true) {
            if segment == ".." {
                depth -= 1
                if depth < 0 { return true }
            } else if segment != "." && segment != "**" {
                depth += 1
            }
        }
        return false
    }

    /// The files whose real path (symbolic links resolved) lies outside `folder`.
    static func outside(_ files: [String], folder: String) -> [String] {
        guard let root = realPath(folder) else { return files }
        let prefix = root.hasSuffix("/") ? root : root + "/"
        return files.filter { file in
            guard let real = realPath(file) else { return true }
            return !real.hasPrefix(prefix)
        }
    }

    private static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }
}
