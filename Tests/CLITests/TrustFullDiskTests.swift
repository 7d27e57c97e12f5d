import Foundation
import Testing

/// A restore that a full disk interrupts part-way, then resumed once space is back: the files the
/// interrupted restore already wrote are Belay's own, not drift (docs/state.md).
@Suite struct TrustFullDiskTests {
    @Test func aRestoreInterruptedByAFullDiskFinishesOnResume() throws {
        let fixture = try RunFixture(playbook: playbookText(
            phase("one", steps: tracedStep("a", run: "rm big1.bin big2.bin; echo changed > app.txt")),
            // Fills the disk with a file the start point ignores, leaving room for one big file only.
            phase("two", steps: tracedStep("b", run: "dd if=/dev/zero of=filler bs=64k 2>/dev/null || true; truncate -s -560K filler; exit 1"))))
        let disk = fixture.root.appendingPathComponent("disk")
        try FileManager.default.createDirectory(at: disk, withIntermediateDirectories: true)
        let mount = try Tool.run(URL(fileURLWithPath: "/usr/bin/env"), ["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", disk.path], in: fixture.root)
        guard mount.status == 0 else {
            print("skipped: a full disk needs a small tmpfs, and mounting one is not permitted here: \(mount.stderr)")
            return
        }
        defer { _ = try? Tool.run(URL(fileURLWithPath: "/usr/bin/env"), ["umount", disk.path], in: fixture.root) }
        let workspace = disk.appendingPathComponent("ws")
        try FileManager.default.copyItem(at: fixture.workspace, to: workspace)
        try "filler\n".write(to: workspace.appendingPathComponent(".belayignore"), atomically: true, encoding: .utf8)
        for name in ["big1.bin", "big2.bin"] {
            var generator = SystemRandomNumberGenerator()
            let bytes = (0..<(400 * 1024 / 8)).flatMap { _ in withUnsafeBytes(of: generator.next() as UInt64) { Array($0) } }
            try Data(bytes).write(to: workspace.appendingPathComponent(name))
        }
        let playbook = workspace.appendingPathComponent("playbook.yml").path
        let ws = ["--workspace", workspace.path]

        let stuck = try fixture.belay(["run", playbook, "--run-id", "r1"] + ws)
        #expect(stuck.status == 3, "\(stuck.output)")
        #expect(stuck.stdout.contains("could not be restored") || stuck.stdout.contains("the restore of the point start failed"), "\(stuck.stdout)")
        #expect(!stuck.stdout.contains("workspace restored"))
        try TrustRestoreTests().checkSuggestions(stuck.output, fixture)

        // Space is back; nothing else changed: the half-done restore is Belay's own, not drift.
        try FileManager.default.removeItem(at: workspace.appendingPathComponent("filler"))
        let resumed = try fixture.belay(["resume", "r1"] + ws)
        #expect(resumed.status == 1, "\(resumed.output)")
        #expect(resumed.stdout.contains("already restored by the interrupted restore"), "\(resumed.stdout)")
        #expect(resumed.stdout.contains("workspace restored to the start point"))
        let original = try Data(contentsOf: fixture.workspace.appendingPathComponent("app.txt"))
        #expect(try Data(contentsOf: workspace.appendingPathComponent("app.txt")) == original)
        #expect(FileManager.default.fileExists(atPath: workspace.appendingPathComponent("big1.bin").path))
        #expect(FileManager.default.fileExists(atPath: workspace.appendingPathComponent("big2.bin").path))
    }
}
