import Foundation

/// The files a playbook's rehearsal proves something about: every regular file of the workspace,
/// of the playbook's folder, and of each folder its commands reach by a relative path going up
/// (`../bin/deploy.sh` reaches `../bin`), each with the SHA-256 of its content. A rehearsal records
/// them, and a gate counts it only while they are unchanged.
public struct ReachedFiles: Sendable, Hashable {
    /// Folders, relative to the workspace (`.` the workspace itself, `../bin` beside it).
    public var roots: [String]
    /// Path relative to the workspace → SHA-256 of the content.
    public var digests: [String: String]

    /// The folders reached by `saga`'s commands, from `workspace`, with the playbook's folder.
    public static func roots(of saga: Saga, workspace: URL, playbook: String?) -> [String] {
        var roots: Set<String> = ["."]
        if let playbook {
            let folder = URL(fileURLWithPath: playbook).deletingLastPathComponent().standardizedFileURL
            roots.insert(relative(folder, to: workspace.standardizedFileURL))
        }
        for phase in saga.phases {
            for step in phase.steps {
                for work in [step.run, step.compensate, step.verify].compactMap({ $0 }) {
                    guard case .shell(let command) = work else { continue }
                    for root in upwardFolders(in: command) { roots.insert(root) }
                }
            }
        }
        // A root inside another is covered by it.
        let sorted = roots.sorted { $0.count < $1.count }
        return sorted.filter { root in !sorted.contains { $0 != root && covers($0, root) } }.sorted()
    }

    /// Reads and hashes every regular file under `roots` (Belay's `.belay/` and any `.git` left out).
    public static func scan(roots: [String], workspace: URL) -> ReachedFiles {
        var digests: [String: String] = [:]
        for root in roots {
            let base = root == "." ? workspace : workspace.appendingPathComponent(root).standardizedFileURL
            let prefix = root == "." ? "" : root + "/"
            var rootInfo = stat()
            if lstat(base.path, &rootInfo) == 0, rootInfo.st_mode & S_IFMT == S_IFREG {
                if let data = FileManager.default.contents(atPath: base.path) { digests[root] = SHA256.hex(of: data) }
                continue
            }
            guard let enumerator = FileManager.default.enumerator(atPath: base.path) else { continue }
            while let path = enumerator.nextObject() as? String {
                let name = (path as NSString).lastPathComponent
                if name == ".belay" || name == ".git" {
                    enumerator.skipDescendants()
                    continue
                }
                var info = stat()
                let full = base.path + "/" + path
                guard lstat(full, &info) == 0, info.st_mode & S_IFMT == S_IFREG,
                    let data = FileManager.default.contents(atPath: full)
                else { continue }
                digests[prefix + path] = SHA256.hex(of: data)
            }
        }
        return ReachedFiles(roots: roots, digests: digests)
    }

    /// How `self` (now) differs from `recorded`, one line per path: a file changed or removed since.
    /// A file added since does not count: running the playbook creates files (builds, reports), and
    /// a rehearsal proves what the files it ran with do.
    public func changes(since recorded: [String: String]) -> [String] {
        var changes: [String] = []
        for path in recorded.keys.sorted() {
            switch (recorded[path], digests[path]) {
            case (_?, nil): changes.append("\(path) was removed since")
            case (let before?, let now?) where before != now: changes.append("\(path) changed since")
            default: break
            }
        }
        return changes
    }

    /// `../bin` for `../bin/deploy.sh`: the folder each relative path going up names.
    static func upwardFolders(in command: String) -> [String] {
        var folders: [String] = []
        let separators = CharacterSet(charactersIn: " \t\n;|&()<>'\"=`$")
        for word in command.components(separatedBy: separators) where word.hasPrefix("../") {
            let parts = word.split(separator: "/", omittingEmptySubsequences: true)
            let ups = parts.prefix { $0 == ".." }
            // The folder right above the workspace that holds the path (../bin), not `..` itself.
            if parts.count > ups.count + 1 {
                folders.append((Array(ups) + [parts[ups.count]]).joined(separator: "/"))
            } else if parts.count == ups.count + 1 {
                folders.append(Array(ups).joined(separator: "/") + "/" + parts[ups.count])
            }
        }
        return folders
    }

    static func relative(_ url: URL, to base: URL) -> String {
        let target = url.pathComponents, from = base.pathComponents
        var common = 0
        while common < min(target.count, from.count), target[common] == from[common] { common += 1 }
        let parts = Array(repeating: "..", count: from.count - common) + target[common...]
        return parts.isEmpty ? "." : parts.joined(separator: "/")
    }

    /// How many folders up the farthest root goes (`../../x`: 2).
    static func depth(of roots: [String]) -> Int {
        roots.map { $0.split(separator: "/").prefix { $0 == ".." }.count }.max() ?? 0
    }

    private static func covers(_ outer: String, _ inner: String) -> Bool {
        outer == "." ? !inner.hasPrefix("..") : inner.hasPrefix(outer + "/")
    }
}
