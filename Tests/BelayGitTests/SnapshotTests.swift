import Foundation
import Testing
@testable import BelayGit

@Suite struct SnapshotTests {
    @Test func recordsAddedModifiedAndDeletedFiles() async throws {
        let ws = try TestWorkspace()
        try ws.write("keep.txt", "one\n")
        try ws.write("change.txt", "a\nb\nc\n")
        try ws.write("gone.txt", "bye\n")
        let store = try CheckpointStore(workspace: ws.url)
        let start = try await store.record(run: "r1", event: "start", phase: "start", point: "start")

        try ws.write("change.txt", "a\nB\nc\nd\n")
        try ws.remove("gone.txt")
        try ws.write("dir/new.txt", "new\n")
        let next = try await store.record(run: "r1", event: "phase_completed", phase: "p1", point: "p1")

        let files = try ws.stateTree(next.tree.hex)
        #expect(Set(files.keys) == ["keep.txt", "change.txt", "dir/new.txt"])
        let changes = try await store.changes(from: start, to: next)
        #expect(changes == [
            FileChange(path: "change.txt", kind: .modified, linesAdded: 2, linesRemoved: 1),
            FileChange(path: "dir/new.txt", kind: .added, linesAdded: 1),
            FileChange(path: "gone.txt", kind: .deleted, linesRemoved: 1),
        ])
        #expect(next.commit != start.commit)
        #expect(try await store.snapshotTree() == next.tree)
    }

    @Test func keepsSymlinksExecutableBitBinaryAndUnicodeNames() async throws {
        let ws = try TestWorkspace()
        try ws.write("run.sh", "#!/bin/sh\necho hi\n", executable: true)
        try ws.write("plain.txt", "text\n")
        try ws.symlink("link", to: "plain.txt")
        try ws.symlink("dangling", to: "nowhere/at/all")
        let binary = Data((0..<2048).map { UInt8($0 % 256) })
        try ws.write("blob.bin", binary)
        try ws.write("données/résumé é 日本.txt", "unicode\n")
        let store = try CheckpointStore(workspace: ws.url)
        let point = try await store.record(run: "r", event: "start", phase: "start", point: "start")

        let files = try ws.stateTree(point.tree.hex)
        #expect(files["run.sh"]?.mode == "100755")
        #expect(files["plain.txt"]?.mode == "100644")
        #expect(files["link"]?.mode == "120000")
        #expect(files["dangling"]?.mode == "120000")
        #expect(files["blob.bin"]?.mode == "100644")
        #expect(files["données/résumé é 日本.txt"] != nil)

        // Wreck everything, then restore.
        for name in ["run.sh", "plain.txt", "link", "dangling", "blob.bin", "données"] { try ws.remove(name) }
        try ws.write("run.sh", "changed\n")
        try ws.write("link", "now a file\n")
        try await store.restore(point)

        #expect(try ws.isExecutable("run.sh"))
        #expect(try ws.read("run.sh") == "#!/bin/sh\necho hi\n")
        #expect(!(try ws.isExecutable("plain.txt")))
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: ws.file("link").path) == "plain.txt")
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: ws.file("dangling").path) == "nowhere/at/all")
        #expect(try Data(contentsOf: ws.file("blob.bin")) == binary)
        #expect(try ws.read("données/résumé é 日本.txt") == "unicode\n")
        #expect(try await store.snapshotTree() == point.tree)
    }

    @Test func executableBitChangeIsAModification() async throws {
        let ws = try TestWorkspace()
        try ws.write("tool", "x\n")
        let store = try CheckpointStore(workspace: ws.url)
        let start = try await store.record(run: "r", event: "start", phase: "start", point: "start")
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: ws.file("tool").path)
        let drift = try await store.drift(since: start)
        #expect(drift.map(\.path) == ["tool"])
        #expect(drift.first?.kind == .modified)
        try await store.restore(start)
        #expect(!(try ws.isExecutable("tool")))
    }

    @Test func honoursBelayignoreAndNeverIncludesBelayOrGitDirectories() async throws {
        let ws = try TestWorkspace()
        try ws.write(".belayignore", "# build output\n*.log\nbuild/\n/secret.txt\n!keep.log\ndocs/**/*.tmp\n")
        try ws.write("app.txt", "app\n")
        try ws.write("debug.log", "noise\n")
        try ws.write("keep.log", "kept\n")
        try ws.write("sub/deep.log", "noise\n")
        try ws.write("build/out.o", "obj\n")
        try ws.write("sub/build/x", "obj\n")
        try ws.write("secret.txt", "s\n")
        try ws.write("sub/secret.txt", "not anchored here\n")
        try ws.write("docs/a/b/c.tmp", "t\n")
        try ws.write("docs/a/c.md", "m\n")
        try ws.write("vendor/lib/.git/HEAD", "ref: refs/heads/main\n")
        try ws.write("vendor/lib/code.c", "int x;\n")
        let store = try CheckpointStore(workspace: ws.url)
        let tree = try await store.snapshotTree()

        let files = Set(try ws.stateTree(tree.hex).keys)
        #expect(files == [".belayignore", "app.txt", "keep.log", "sub/secret.txt", "docs/a/c.md", "vendor/lib/code.c"])
        #expect(FileManager.default.fileExists(atPath: ws.file(".belay/git/HEAD").path))
    }

    @Test func restoreDeletesUntrackedFilesButKeepsIgnoredOnes() async throws {
        let ws = try TestWorkspace()
        try ws.write(".belayignore", "cache/\n*.tmp\n")
        try ws.write("a.txt", "a\n")
        let store = try CheckpointStore(workspace: ws.url)
        let start = try await store.record(run: "r", event: "start", phase: "start", point: "start")

        try ws.write("cache/big.bin", "ignored\n")
        try ws.write("scratch.tmp", "ignored\n")
        try ws.write("made/by/phase.txt", "new\n")
        try ws.write("a.txt", "changed\n")
        try ws.remove("a.txt")
        try ws.write("a/b.txt", "a is now a directory\n")
        _ = try await store.record(run: "r", event: "phase_completed", phase: "p1", point: "p1")

        try await store.restore(start)
        #expect(try ws.read("a.txt") == "a\n")
        #expect(!ws.exists("made"))
        #expect(try ws.read("cache/big.bin") == "ignored\n")
        #expect(try ws.read("scratch.tmp") == "ignored\n")
        #expect(FileManager.default.fileExists(atPath: ws.file(".belay/git/HEAD").path))
        #expect(try await store.snapshotTree() == start.tree)
        #expect(try await store.drift(since: start).isEmpty)
    }

    @Test func driftListsAddedModifiedAndDeletedPaths() async throws {
        let ws = try TestWorkspace()
        try ws.write("same.txt", "s\n")
        try ws.write("edit.txt", "1\n")
        try ws.write("drop.txt", "d\n")
        let store = try CheckpointStore(workspace: ws.url)
        let point = try await store.record(run: "r", event: "start", phase: "start", point: "start")
        #expect(try await store.drift(since: point).isEmpty)

        try ws.write("edit.txt", "2\n")
        try ws.remove("drop.txt")
        try ws.write("extra.txt", "e\n")
        let drift = try await store.drift(since: point)
        #expect(drift.map(\.path) == ["drop.txt", "edit.txt", "extra.txt"])
        #expect(drift.map(\.kind) == [.deleted, .modified, .added])
    }

    @Test func sameSizeEditInTheSameInstantIsStillSeen() async throws {
        let ws = try TestWorkspace()
        try ws.write("f.txt", "aaaa\n")
        let store = try CheckpointStore(workspace: ws.url)
        let first = try await store.snapshotTree()
        // Same size, and possibly the same coarse timestamp as the index just written.
        try ws.write("f.txt", "bbbb\n")
        let second = try await store.snapshotTree()
        #expect(first != second)
        // A fresh store reads the index from disk and must agree.
        let reopened = try CheckpointStore(workspace: ws.url)
        try ws.write("f.txt", "cccc\n")
        #expect(try await reopened.snapshotTree() != second)
    }

    @Test func aFileReplacedByADirectoryAndBackRoundTrips() async throws {
        let ws = try TestWorkspace()
        try ws.write("node", "a file\n")
        let store = try CheckpointStore(workspace: ws.url)
        let asFile = try await store.record(run: "r", event: "start", phase: "start", point: "start")
        try ws.remove("node")
        try ws.write("node/child.txt", "now a directory\n")
        let asDirectory = try await store.record(run: "r", event: "phase_completed", phase: "p", point: "p")
        #expect(Set(try ws.stateTree(asDirectory.tree.hex).keys) == ["node/child.txt"])

        try await store.restore(asFile)
        #expect(try ws.read("node") == "a file\n")
        #expect(try await store.snapshotTree() == asFile.tree)
        try await store.restore(asDirectory)
        #expect(try ws.read("node/child.txt") == "now a directory\n")
        #expect(try await store.snapshotTree() == asDirectory.tree)
    }
}

/// A tree of many folders is listed on several threads: the snapshot must hold exactly what one
/// walk would, skip what a walk skips, never follow a symlinked folder, and see a change anywhere.
@Suite struct SharedWalkTests {
    @Test func aWideTreeSnapshotsAsOneWalkWould() async throws {
        let ws = try TestWorkspace()
        var expected: Set<String> = []
        for top in 0..<3 {
            for folder in 0..<12 {
                for file in 0..<5 {
                    let path = "t\(top)/f\(folder)/deep/x\(file).txt"
                    try ws.write(path, "\(path)\n")
                    expected.insert(path)
                }
            }
        }
        try ws.write("top.txt", "top\n")
        expected.insert("top.txt")
        try ws.write("t1/f3/.git/config", "not ours\n")
        try ws.write("t2/f4/.belay/kept.txt", "a user's folder\n")
        expected.insert("t2/f4/.belay/kept.txt")
        try ws.write("t0/f7/cache/skip.bin", "ignored\n")
        try ws.write(".belayignore", "cache/\n")
        expected.insert(".belayignore")
        try ws.symlink("t1/f9/elsewhere", to: "../../t0")
        expected.insert("t1/f9/elsewhere")
        let store = try CheckpointStore(workspace: ws.url)
        let first = try await store.record(run: "r", event: "start", phase: "start", point: "start")
        let files = try ws.stateTree(first.tree.hex)
        #expect(Set(files.keys) == expected)
        #expect(files["t1/f9/elsewhere"]?.mode == "120000")

        try ws.write("t2/f11/deep/x4.txt", "changed\n")
        try ws.remove("t0/f0/deep/x0.txt")
        let second = try await store.record(run: "r", event: "phase_completed", phase: "p", point: "p")
        #expect(try await store.changes(from: first, to: second).map(\.path) == ["t0/f0/deep/x0.txt", "t2/f11/deep/x4.txt"])
    }
}

/// The saved index is a cache: a snapshot that hashed only a few small files leaves it unsaved, and
/// every later snapshot, in this process or a new one, still sees every change.
@Suite struct UnsavedIndexTests {
    private func indexStamp(_ ws: TestWorkspace) throws -> Data {
        try Data(contentsOf: ws.url.appendingPathComponent(".belay/git/index"))
    }

    @Test func aFewChangedFilesLeaveTheSavedIndexAndAreStillSeen() async throws {
        let ws = try TestWorkspace()
        for file in 0..<100 { try ws.write("src/f\(file).txt", "file \(file)\n") }
        let store = try CheckpointStore(workspace: ws.url)
        let first = try await store.record(run: "r", event: "start", phase: "start", point: "start")
        let saved = try indexStamp(ws)

        try ws.write("src/f1.txt", "changed once\n")
        let second = try await store.record(run: "r", event: "phase_completed", phase: "a", point: "a")
        #expect(try indexStamp(ws) == saved, "a snapshot of one small change saves no index")
        #expect(try await store.changes(from: first, to: second).map(\.path) == ["src/f1.txt"])

        // Changed again, same size: the in-memory entry is newer than the saved index, so it is hashed.
        try ws.write("src/f1.txt", "changed twice\n")
        let third = try await store.record(run: "r", event: "phase_completed", phase: "b", point: "b")
        #expect(try await store.changes(from: second, to: third).map(\.path) == ["src/f1.txt"])

        // A new process reads the saved index, older than both changes, and still sees the file as it is.
        let fresh = try CheckpointStore(workspace: ws.url)
        try ws.write("src/f2.txt", "another\n")
        let fourth = try await fresh.record(run: "r", event: "phase_completed", phase: "c", point: "c")
        #expect(try await fresh.changes(from: third, to: fourth).map(\.path) == ["src/f2.txt"])
        #expect(try ws.stateTree(fourth.tree.hex).count == 100)

        // Past the limit of what may be hashed again, the index is saved.
        for file in 10..<90 { try ws.write("src/f\(file).txt", "rewritten \(file)\n") }
        _ = try await fresh.record(run: "r", event: "phase_completed", phase: "d", point: "d")
        #expect(try indexStamp(ws) != saved)
    }
}

/// A first snapshot stores every file: as packs, never as a loose file (and often a new folder) each.
@Suite struct FirstSnapshotPackTests {
    /// Loose object files, and packs, under `.belay/git/objects`.
    private func objectFiles(_ ws: TestWorkspace) throws -> (loose: Int, packs: Int) {
        let objects = ws.url.appendingPathComponent(".belay/git/objects")
        var loose = 0
        for folder in try FileManager.default.contentsOfDirectory(atPath: objects.path) where folder.count == 2 {
            loose += try FileManager.default.contentsOfDirectory(atPath: objects.appendingPathComponent(folder).path).count
        }
        let packs = try FileManager.default.contentsOfDirectory(atPath: objects.appendingPathComponent("pack").path)
            .filter { $0.hasSuffix(".pack") }.count
        return (loose, packs)
    }

    private func workspace(files: Int) throws -> TestWorkspace {
        let ws = try TestWorkspace()
        for file in 0..<files { try ws.write("src/m\(file % 10)/f\(file).txt", "file \(file)\n") }
        return ws
    }

    @Test func aFirstSnapshotIsOnePackAndLaterOnesStayLoose() async throws {
        let ws = try workspace(files: 100)
        let store = try CheckpointStore(workspace: ws.url)
        let first = try await store.record(run: "r", event: "start", phase: "start", point: "start")
        // 100 blobs and 11 trees in one pack; only the commit is loose.
        #expect(try objectFiles(ws) == (loose: 1, packs: 1))
        try ws.git(["--git-dir", ".belay/git", "fsck", "--full", "--strict"])
        #expect(try ws.stateTree(first.tree.hex).count == 100)
        #expect(try ws.git(["--git-dir", ".belay/git", "cat-file", "-p", "\(first.tree.hex):src/m7/f17.txt"]) == "file 17\n")

        try ws.write("src/m1/f1.txt", "changed\n")
        let second = try await store.record(run: "r", event: "phase_completed", phase: "a", point: "a")
        // The first commit, then a blob, three trees (src/m1, src, the root) and a commit: loose, as
        // small snapshots are.
        #expect(try objectFiles(ws) == (loose: 6, packs: 1))
        #expect(try await store.changes(from: first, to: second).map(\.path) == ["src/m1/f1.txt"])
    }

    @Test func aLargeFirstSnapshotIsWrittenAsSeveralBoundedPacks() throws {
        let ws = try workspace(files: 100)
        let repository = try Repository(workspace: ws.url)
        let tree = try repository.snapshot(batchLimit: (objects: 30, bytes: 1 << 20))
        // 30 + 30 + 30 blobs, then the last 10 with the 11 trees.
        #expect(try objectFiles(ws) == (loose: 0, packs: 4))
        try ws.git(["--git-dir", ".belay/git", "fsck", "--full", "--strict", "--no-dangling"])
        let listed = try ws.stateTree(tree.hex)
        #expect(listed.count == 100)
        #expect(try ws.git(["--git-dir", ".belay/git", "cat-file", "-p", "\(tree.hex):src/m9/f99.txt"]) == "file 99\n")
    }

    @Test func aFileTooLargeToReadWholeIsStreamedLooseBesideThePack() throws {
        let ws = try workspace(files: 20)
        var big = Data(count: (32 << 20) + 1)
        big[0] = 1
        try ws.write("data/big.bin", big)
        let repository = try Repository(workspace: ws.url)
        let tree = try repository.snapshot()
        #expect(try objectFiles(ws) == (loose: 1, packs: 1))
        let size = try ws.git(["--git-dir", ".belay/git", "cat-file", "-s", "\(tree.hex):data/big.bin"])
        #expect(size == "\((32 << 20) + 1)\n")
        try ws.git(["--git-dir", ".belay/git", "fsck", "--full", "--strict", "--no-dangling"])
    }
}
