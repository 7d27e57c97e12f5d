import Foundation
import Testing
@testable import BelayGit

@Suite struct IsolationTests {
    /// Content hash of every file under `directory`, by relative path.
    private func fingerprint(_ directory: URL) throws -> [String: Data] {
        var result: [String: Data] = [:]
        let enumerator = FileManager.default.enumerator(at: directory, includingPropertiesForKeys: [.isRegularFileKey])
        while let item = enumerator?.nextObject() as? URL {
            guard try item.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile == true else { continue }
            result[String(item.path.dropFirst(directory.path.count))] = try Data(contentsOf: item)
        }
        return result
    }

    @Test func aSurroundingUserRepositoryIsNeverReadOrWritten() async throws {
        let root = try TestWorkspace()
        try root.git(["init", "-q", "-b", "main"])
        try root.write("README", "user project\n")
        try root.write("deploy/site/index.html", "<h1>v1</h1>\n")
        try root.git(["add", "-A"])
        try root.git(["commit", "-q", "-m", "user commit"])
        let userGit = root.file(".git")
        let before = try fingerprint(userGit)
        let attributesBefore = try FileManager.default.attributesOfItem(atPath: userGit.appendingPathComponent("index").path)

        let workspace = root.file("deploy")
        let store = try CheckpointStore(workspace: workspace)
        let start = try await store.record(run: "r", event: "start", phase: "start", point: "start")
        try root.write("deploy/site/index.html", "<h1>v2</h1>\n")
        try root.write("deploy/new.txt", "n\n")
        _ = try await store.record(run: "r", event: "phase_completed", phase: "p", point: "p")
        #expect(try await store.drift(since: start).count == 2)
        try await store.restore(start)
        #expect(try root.read("deploy/site/index.html") == "<h1>v1</h1>\n")
        #expect(!root.exists("deploy/new.txt"))

        // The user's repository is byte-for-byte what it was, index timestamps included.
        #expect(try fingerprint(userGit) == before)
        let attributesAfter = try FileManager.default.attributesOfItem(atPath: userGit.appendingPathComponent("index").path)
        #expect(attributesAfter[.modificationDate] as? Date == attributesBefore[.modificationDate] as? Date)
        // Belay's state lives in the workspace, and the snapshot holds only workspace files.
        #expect(FileManager.default.fileExists(atPath: workspace.appendingPathComponent(".belay/git/HEAD").path))
        let files = try root.git(["--git-dir", "deploy/.belay/git", "ls-tree", "-r", "--name-only", start.tree.hex])
        #expect(files == "site/index.html\n")
        // And the user's repository does not see Belay's state as untracked work.
        let status = try root.git(["status", "--porcelain", "--untracked-files=all"])
        #expect(!status.contains(".belay"))
        #expect(!FileManager.default.fileExists(atPath: workspace.appendingPathComponent(".git").path))
    }

    @Test func aRepositoryInsideTheWorkspaceIsNotSnapshottedOrTouched() async throws {
        let ws = try TestWorkspace()
        let inner = ws.file("tools/lib")
        try ws.write("tools/lib/lib.c", "int v = 1;\n")
        try ws.git(["init", "-q", "-b", "main"], in: inner)
        try ws.git(["add", "-A"], in: inner)
        try ws.git(["commit", "-q", "-m", "inner"], in: inner)
        let innerGit = inner.appendingPathComponent(".git")
        let before = try fingerprint(innerGit)

        let store = try CheckpointStore(workspace: ws.url)
        let start = try await store.record(run: "r", event: "start", phase: "start", point: "start")
        let files = try ws.stateTree(start.tree.hex)
        #expect(Set(files.keys) == ["tools/lib/lib.c"])
        try ws.write("tools/lib/lib.c", "int v = 2;\n")
        try await store.restore(start)
        #expect(try ws.read("tools/lib/lib.c") == "int v = 1;\n")
        #expect(try fingerprint(innerGit) == before)
    }
}
