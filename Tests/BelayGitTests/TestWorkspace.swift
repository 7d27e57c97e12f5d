import Foundation
import Testing
import TestSupport

/// A unique temporary directory, removed when the test's value goes away.
final class TestWorkspace {
    let url: URL
    var path: String { url.path }

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("belaygit-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: url) }

    func file(_ relative: String) -> URL { url.appendingPathComponent(relative) }

    func write(_ relative: String, _ text: String, executable: Bool = false) throws {
        try write(relative, Data(text.utf8), executable: executable)
    }

    func write(_ relative: String, _ data: Data, executable: Bool = false) throws {
        let target = file(relative)
        try FileManager.default.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
        try data.write(to: target)
        try FileManager.default.setAttributes([.posixPermissions: executable ? 0o755 : 0o644], ofItemAtPath: target.path)
    }

    func read(_ relative: String) throws -> String { try String(contentsOf: file(relative), encoding: .utf8) }

    func exists(_ relative: String) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: file(relative).path, isDirectory: &isDirectory)
            || (try? FileManager.default.destinationOfSymbolicLink(atPath: file(relative).path)) != nil
    }

    func remove(_ relative: String) throws { try FileManager.default.removeItem(at: file(relative)) }

    func symlink(_ relative: String, to destination: String) throws {
        try FileManager.default.createSymbolicLink(atPath: file(relative).path, withDestinationPath: destination)
    }

    func isExecutable(_ relative: String) throws -> Bool {
        let permissions = try FileManager.default.attributesOfItem(atPath: file(relative).path)[.posixPermissions] as? Int
        return (permissions ?? 0) & 0o100 != 0
    }

    /// Runs the git CLI (tests only; the product never does) and returns its standard output.
    @discardableResult
    func git(_ arguments: [String], in directory: URL? = nil) throws -> String {
        let result = try Launcher.run(
            URL(fileURLWithPath: "/usr/bin/env"),
            ["git", "-c", "user.name=Test", "-c", "user.email=test@example.com"] + arguments, in: directory ?? url)
        #expect(result.status == 0, "git \(arguments.joined(separator: " ")) failed: \(result.stderr)")
        return result.stdout
    }

    /// `git ls-tree -r` of a tree in the state repository: path → (mode, object id).
    func stateTree(_ tree: String) throws -> [String: (mode: String, id: String)] {
        let listing = try git(["--git-dir", ".belay/git", "-c", "core.quotepath=off", "ls-tree", "-r", "-z", tree])
        var result: [String: (mode: String, id: String)] = [:]
        for record in listing.split(separator: "\0") {
            let parts = record.split(separator: "\t", maxSplits: 1)
            let fields = parts[0].split(separator: " ")
            result[String(parts[1])] = (String(fields[0]), String(fields[2]))
        }
        return result
    }
}
