import Foundation

/// Expands file patterns with `*` and `?` within a path segment and `**` across directories,
/// relative to a base directory (absolute patterns ignore the base).
///
/// As in a shell, wildcards do not match names starting with `.` unless the pattern segment does,
/// and `**` does not follow symbolic links to directories (no cycles).
public enum Glob {
    public static func expand(_ pattern: String, relativeTo base: String) -> [String] {
        let absolute = pattern.hasPrefix("/")
        let root = absolute ? "/" : (base.isEmpty ? "." : base)
        let segments = pattern.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
        guard !segments.isEmpty else { return [] }
        var results = Set<String>()
        walk(root, segments[...], into: &results)
        return results.sorted()
    }

    /// Files matched by any of the patterns, without duplicates, sorted.
    public static func expand(_ patterns: [String], relativeTo base: String) -> [String] {
        Array(Set(patterns.flatMap { expand($0, relativeTo: base) })).sorted()
    }

    public static func hasWildcards(_ text: String) -> Bool { text.contains { $0 == "*" || $0 == "?" } }

    private static func walk(_ directory: String, _ segments: ArraySlice<String>, into results: inout Set<String>) {
        guard let segment = segments.first else { return }
        let rest = segments.dropFirst()
        if segment == "**" {
            walk(directory, rest, into: &results)  // zero directories
            for entry in entries(directory) where !entry.hasPrefix(".") {
                let path = join(directory, entry)
                if isDirectory(path, followLinks: false) { walk(path, segments, into: &results) }
            }
            return
        }
        if !hasWildcards(segment) {
            let path = join(directory, segment)
            visit(path, rest, into: &results)
            return
        }
        for entry in entries(directory) where matches(entry, segment) {
            if entry.hasPrefix("."), !segment.hasPrefix(".") { continue }
            visit(join(directory, entry), rest, into: &results)
        }
    }

    private static func visit(_ path: String, _ rest: ArraySlice<String>, into results: inout Set<String>) {
        if rest.isEmpty {
            var isDir: ObjCBool = false
            if FileManager.default.fileExists(atPath: path, isDirectory: &isDir), !isDir.boolValue {
                results.insert(normalize(path))
            }
        } else if isDirectory(path, followLinks: true) {
            walk(path, rest, into: &results)
        }
    }

    private static func entries(_ directory: String) -> [String] {
        (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
    }

    private static func isDirectory(_ path: String, followLinks: Bool) -> Bool {
        if !followLinks, let type = try? FileManager.default.attributesOfItem(atPath: path)[.type] as? FileAttributeType {
            return type == .typeDirectory
        }
        var isDir: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isDir) && isDir.boolValue
    }

    private static func join(_ directory: String, _ name: String) -> String {
        if directory == "." || directory.isEmpty { return name }
        return directory.hasSuffix("/") ? directory + name : directory + "/" + name
    }

    private static func normalize(_ path: String) -> String {
        path.replacingOccurrences(of: "/./", with: "/")
    }

    /// `*` any run of characters, `?` one character, everything else literally.
    static func matches(_ name: String, _ pattern: String) -> Bool {
        let n = Array(name), p = Array(pattern)
        var i = 0, j = 0
        var star = -1, mark = 0
        while i < n.count {
            if j < p.count, p[j] == "?" || p[j] == n[i] {
                i += 1
                j += 1
            } else if j < p.count, p[j] == "*" {
                star = j
                mark = i
                j += 1
            } else if star >= 0 {
                j = star + 1
                mark += 1
                i = mark
            } else {
                return false
            }
        }
        while j < p.count, p[j] == "*" { j += 1 }
        return j == p.count
    }
}
