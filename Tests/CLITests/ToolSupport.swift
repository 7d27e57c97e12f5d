import Foundation
import Testing
@_exported import TestSupport

/// Helpers for the tests that run the repository's playbooks and examples as a user would.
enum Tool {
    /// The repository's root (this file is Tests/CLITests/ToolSupport.swift).
    static let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// A built executable of this package (an example), next to the `belay` binary.
    static func built(_ name: String) -> URL {
        belayBinary.deletingLastPathComponent().appendingPathComponent(name)
    }

    /// Starts a process and returns at once: `Launcher.start`, the tests' one launcher.
    static func start(
        _ executable: URL, _ arguments: [String], in directory: URL, environment: [String: String] = [:],
        stdout: FileHandle, stderr: FileHandle
    ) throws -> Process {
        try Launcher.start(executable, arguments, in: directory, environment: environment, stdout: stdout, stderr: stderr)
    }

    /// Runs a process to its end: `Launcher.run`.
    @discardableResult
    static func run(
        _ executable: URL, _ arguments: [String], in directory: URL, environment: [String: String] = [:]
    ) throws -> ToolResult {
        try Launcher.run(executable, arguments, in: directory, environment: environment)
    }

    /// `bash -c <script>` in `directory` as a clean child: `Launcher.shell`.
    @discardableResult
    static func shell(_ script: String, in directory: URL, environment: [String: String] = [:]) throws -> ToolResult {
        try Launcher.shell(script, in: directory, environment: environment)
    }

    /// Live processes inside `folder`: `Launcher.processes(inside:)`.
    static func processes(inside folder: URL) -> [String] { Launcher.processes(inside: folder) }
}

/// A temporary folder holding copies of some of the repository's files; removed when released.
final class ScratchCopy: @unchecked Sendable {
    let root: URL

    /// Copies each repository-relative path in `paths` into a fresh temporary folder, keeping its name.
    init(_ paths: [String] = []) throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("belay-play-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        for path in paths {
            let source = Tool.repositoryRoot.appendingPathComponent(path)
            try FileManager.default.copyItem(at: source, to: root.appendingPathComponent(source.lastPathComponent))
        }
    }

    deinit { try? FileManager.default.removeItem(at: root) }

    func url(_ relative: String) -> URL { root.appendingPathComponent(relative) }
    func exists(_ relative: String) -> Bool { FileManager.default.fileExists(atPath: url(relative).path) }
    func read(_ relative: String) -> String? { try? String(contentsOf: url(relative), encoding: .utf8) }

    func write(_ relative: String, _ text: String) throws {
        try FileManager.default.createDirectory(at: url(relative).deletingLastPathComponent(), withIntermediateDirectories: true)
        try text.write(to: url(relative), atomically: true, encoding: .utf8)
    }

    /// `belay <arguments>`, run from this folder.
    @discardableResult
    func belay(_ arguments: [String], environment: [String: String] = [:]) throws -> ToolResult {
        try Tool.run(belayBinary, arguments, in: root, environment: environment)
    }

    /// A bash script run in `relative` (a folder of the copy).
    @discardableResult
    func shell(_ script: String, in relative: String = ".") throws -> ToolResult {
        try Tool.shell(script, in: url(relative))
    }
}
