import Belay
import Foundation

/// The words for a commit that keeps the workspace as it was before a restore: which commit, which
/// files, and the command that brings one back.
enum PreservedText {
    /// Lines for a `checkpoint_recorded` event with `preserved` files, indented by `indent`.
    static func lines(_ event: JournalEvent, workspace: URL, indent: String = "  ") -> [String] {
        guard let files = event.preserved, let commit = event.commit else { return [] }
        var lines = ["\(indent)⚑ \(event.note ?? "the workspace before a restore, kept"): commit \(commit)"]
        lines += files.prefix(20).map { "\(indent)    \($0)" }
        if files.count > 20 { lines.append("\(indent)    … and \(files.count - 20) more (git show --stat \(commit))") }
        let example = files.first.map(path(of:)) ?? "PATH"
        lines.append("\(indent)  bring a file back: " + restoreCommand(commit: commit, path: example, workspace: workspace))
        return lines
    }

    /// The command that writes `path` as the commit `commit` keeps it back into the workspace.
    static func restoreCommand(commit: String, path: String, workspace: URL) -> String {
        let ws = workspace.path
        return "git --git-dir \(shellQuoted(ws + "/.belay/git")) show \(shellQuoted(commit + ":" + path)) > \(shellQuoted(ws + "/" + path))"
    }

    private static func path(of change: String) -> String {
        change.firstIndex(of: " ").map { String(change[change.index(after: $0)...]) } ?? change
    }

    /// One shell word: as is when it is plain, else single-quoted.
    static func shellQuoted(_ text: String) -> String {
        let plain = text.unicodeScalars.allSatisfy { CharacterSet.alphanumerics.contains($0) || "/._-:+@=,".unicodeScalars.contains($0) }
        return plain && !text.isEmpty ? text : "'" + text.replacingOccurrences(of: "'", with: #"'\''"#) + "'"
    }
}
