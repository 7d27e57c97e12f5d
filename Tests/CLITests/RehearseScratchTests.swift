import Foundation
import Testing

/// `belay rehearse` against what a workspace may hold and how a rehearsal may end: a FIFO is never
/// read, the scratch copy is removed on every exit (SIGTERM included), a failed step's log is shown.
@Suite struct RehearseScratchTests {
    /// Starts `belay <arguments>` with its own temporary folder; returns the process and that folder.
    static func start(_ fixture: RunFixture, _ arguments: [String]) throws -> (Process, URL, URL) {
        let temporary = fixture.root.appendingPathComponent("tmp")
        try FileManager.default.createDirectory(at: temporary, withIntermediateDirectories: true)
        let output = fixture.root.appendingPathComponent("rehearse.out")
        _ = FileManager.default.createFile(atPath: output.path, contents: nil)
        let handle = try FileHandle(forWritingTo: output)
        let process = try Tool.start(
            belayBinary, arguments, in: fixture.root,
            environment: ["TMPDIR": temporary.path, "TRACE": fixture.trace.path], stdout: handle, stderr: handle)
        return (process, temporary, output)
    }

    static func wait(_ process: Process, seconds: Double) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while process.isRunning && Date() < deadline { usleep(50_000) }
        return !process.isRunning
    }

    @Test func aFIFOInTheWorkspaceIsSkippedNotRead() throws {
        let fixture = try RunFixture(playbook: playbookText(phase("one", steps: tracedStep("a", run: "echo hi"))))
        #expect(mkfifo(fixture.workspace.appendingPathComponent("pipe").path, 0o644) == 0)
        let (process, temporary, output) = try Self.start(fixture, ["rehearse", fixture.playbook.path])
        let ended = Self.wait(process, seconds: 60)
        if !ended { process.terminate() }
        #expect(ended, "rehearse hung on the FIFO")
        let text = (try? String(contentsOf: output, encoding: .utf8)) ?? ""
        #expect(process.terminationStatus == 0, "\(text)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: temporary.path).isEmpty)
        let record = try #require(try RehearseTests.record(fixture)["notes"] as? [String])
        #expect(record.contains { $0.contains("fifo pipe") }, "\(record)")
    }

    @Test func sigtermRemovesTheScratchCopy() throws {
        let fixture = try RunFixture(playbook: playbookText(phase("one", steps: tracedStep("a", run: "sleep 30"))))
        let (process, temporary, _) = try Self.start(fixture, ["rehearse", fixture.playbook.path])
        let deadline = Date().addingTimeInterval(30)
        while fixture.traced.isEmpty && Date() < deadline { usleep(50_000) }
        #expect(try !FileManager.default.contentsOfDirectory(atPath: temporary.path).isEmpty)
        kill(process.processIdentifier, SIGTERM)
        #expect(Self.wait(process, seconds: 20))
        #expect(process.terminationStatus == 143)
        #expect(try FileManager.default.contentsOfDirectory(atPath: temporary.path).isEmpty)
    }

    @Test func aFailedStepsLogIsShownFromTheScratchCopy() throws {
        let fixture = try RunFixture(playbook: playbookText(
            phase("one", steps: tracedStep("a", run: "echo 'ERROR: relation users does not exist'; exit 3"))))
        let result = try fixture.belay(["rehearse", fixture.playbook.path])
        #expect(result.status == 1, "\(result.output)")
        #expect(result.stdout.contains("ERROR: relation users does not exist"), "\(result.stdout)")
        #expect(!result.stdout.contains("(empty)"), "\(result.stdout)")
    }
}
