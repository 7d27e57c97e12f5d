import Foundation
import Testing
@testable import BelayGit

@Suite struct DiffTests {
    @Test func countsLinesAndFlagsBinaries() async throws {
        let ws = try TestWorkspace()
        try ws.write("notes.md", "one\ntwo\nthree\n")
        try ws.write("image.bin", Data([0, 1, 2, 3, 0, 255]))
        let store = try CheckpointStore(workspace: ws.url)
        let first = try await store.record(run: "r", event: "start", phase: "start", point: "start")

        let fromEmpty = try await store.changes(from: nil, to: first)
        #expect(fromEmpty == [
            FileChange(path: "image.bin", kind: .added, isBinary: true),
            FileChange(path: "notes.md", kind: .added, linesAdded: 3),
        ])

        try ws.write("notes.md", "one\n2\n3\nfour\nfive\n")
        try ws.write("image.bin", Data([0, 9, 9, 9]))
        let second = try await store.record(run: "r", event: "phase_completed", phase: "p", point: "p")
        let changes = try await store.changes(from: first, to: second)
        #expect(changes == [
            FileChange(path: "image.bin", kind: .modified, isBinary: true),
            FileChange(path: "notes.md", kind: .modified, linesAdded: 4, linesRemoved: 2),
        ])
    }

    @Test func detectsRenamesBetweenCheckpoints() async throws {
        let ws = try TestWorkspace()
        let body = (1...40).map { "line \($0)" }.joined(separator: "\n") + "\n"
        try ws.write("old-name.txt", body)
        let store = try CheckpointStore(workspace: ws.url)
        let first = try await store.record(run: "r", event: "start", phase: "start", point: "start")
        try ws.remove("old-name.txt")
        try ws.write("new-name.txt", body)
        let second = try await store.record(run: "r", event: "phase_completed", phase: "p", point: "p")
        let changes = try await store.changes(from: first, to: second)
        #expect(changes == [FileChange(path: "new-name.txt", kind: .renamed, oldPath: "old-name.txt")])
        // Drift never pairs renames: it lists what was added and deleted.
        #expect(try await store.drift(since: first).map(\.kind) == [.added, .deleted])
    }

    @Test func reportsTypeChanges() async throws {
        let ws = try TestWorkspace()
        try ws.write("target.txt", "t\n")
        try ws.write("thing", "file\n")
        let store = try CheckpointStore(workspace: ws.url)
        let first = try await store.record(run: "r", event: "start", phase: "start", point: "start")
        try ws.remove("thing")
        try ws.symlink("thing", to: "target.txt")
        #expect(try await store.drift(since: first).map(\.kind) == [.typeChanged])
        try await store.restore(first)
        #expect(try ws.read("thing") == "file\n")
        #expect((try? FileManager.default.destinationOfSymbolicLink(atPath: ws.file("thing").path)) == nil)
    }
}
