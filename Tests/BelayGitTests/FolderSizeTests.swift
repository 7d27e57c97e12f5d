import Foundation
import Testing
@testable import BelayGit

/// `FolderSize` sums regular files at any depth, and neither follows nor counts symlinks.
@Suite struct FolderSizeTests {
    @Test func sumsRegularFilesAtAnyDepthAndSkipsSymlinks() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("belay-size-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let deep = root.appendingPathComponent("a/b/c")
        try FileManager.default.createDirectory(at: deep, withIntermediateDirectories: true)
        try Data(count: 1000).write(to: root.appendingPathComponent("top.bin"))
        try Data(count: 234).write(to: deep.appendingPathComponent(".hidden"))
        let outside = FileManager.default.temporaryDirectory.appendingPathComponent("belay-size-outside-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: outside, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: outside) }
        try Data(count: 5000).write(to: outside.appendingPathComponent("big.bin"))
        try FileManager.default.createSymbolicLink(at: root.appendingPathComponent("link"), withDestinationURL: outside)
        try FileManager.default.createSymbolicLink(
            at: root.appendingPathComponent("a/file-link"), withDestinationURL: outside.appendingPathComponent("big.bin"))

        #expect(FolderSize.bytes(under: root.path) == 1234)
        #expect(FolderSize.bytes(under: root.appendingPathComponent("missing").path) == 0)
    }
}
