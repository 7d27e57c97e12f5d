import Foundation

/// Which workspace a playbook works in: the explicit one, else its `workspace:` (relative to the
/// playbook's folder), else the playbook's folder — the rule `belay run` follows.
public enum PlaybookWorkspace {
    public static func resolve(playbook: String, declared: String?, override: String?) -> URL {
        let cwd = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
        if let override { return URL(fileURLWithPath: override, relativeTo: cwd).standardizedFileURL }
        let folder = URL(fileURLWithPath: playbook, relativeTo: cwd).standardizedFileURL.deletingLastPathComponent()
        guard let declared, !declared.isEmpty else { return folder }
        if declared.hasPrefix("/") { return URL(fileURLWithPath: declared).standardizedFileURL }
        return folder.appendingPathComponent(declared).standardizedFileURL
    }
}
