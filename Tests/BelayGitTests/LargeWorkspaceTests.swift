import Foundation
import Testing
@testable import BelayGit

@Suite struct LargeWorkspaceTests {
    @Test func twentyThousandFilesRestoreToTheSameTree() async throws {
        let ws = try TestWorkspace()
        for directory in 0..<100 {
            let folder = ws.file("d\(directory)")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            for file in 0..<200 {
                try Data("file \(directory)/\(file)\n".utf8).write(to: folder.appendingPathComponent("f\(file).txt"))
            }
        }
        let store = try CheckpointStore(workspace: ws.url)
        let start = try await store.record(run: "big", event: "start", phase: "start", point: "start")
        #expect(try ws.stateTree(start.tree.hex).count == 20_000)

        for n in 0..<10 { try ws.write("d\(n * 7)/f\(n).txt", "changed \(n)\n") }
        for n in 0..<5 { try ws.remove("d\(n + 50)/f\(n).txt") }
        for n in 0..<5 { try ws.write("added/n\(n).txt", "new \(n)\n") }
        let changed = try await store.record(run: "big", event: "phase_completed", phase: "p", point: "p")
        #expect(try await store.changes(from: start, to: changed).count == 20)

        try await store.restore(start)
        #expect(try await store.snapshotTree() == start.tree)
        #expect(try ws.read("d0/f0.txt") == "file 0/0\n")
        #expect(try ws.read("d50/f0.txt") == "file 50/0\n")
        #expect(!ws.exists("added"))

        try await store.restore(changed)
        #expect(try await store.snapshotTree() == changed.tree)
    }
}
