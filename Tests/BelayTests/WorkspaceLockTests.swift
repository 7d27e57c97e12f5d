import Foundation
import Testing
import TestSupport
@testable import Belay

@Suite struct WorkspaceLockTests {
    /// A pid that surely belonged to a process that has exited.
    private func deadPID() throws -> Int32 {
        try Launcher.run(URL(fileURLWithPath: "/bin/true"), [], in: FileManager.default.temporaryDirectory).pid
    }

    private func writeStaleLock(in directory: TemporaryDirectory) throws -> LockHolder {
        let stale = LockHolder(run: "crashed", pid: try deadPID(), host: WorkspaceLock.hostName, since: JournalClock.now())
        let url = WorkspaceLock.url(workspace: directory.url)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try JSONEncoder().encode(stale).write(to: url)
        return stale
    }

    @Test func aStaleLockIsTakenOverByExactlyOneOfManyRacers() async throws {
        let directory = try TemporaryDirectory()
        let stale = try writeStaleLock(in: directory)
        let results = await withTaskGroup(of: WorkspaceLock?.self) { group in
            for index in 0..<8 {
                group.addTask { try? WorkspaceLock.acquire(workspace: directory.url, run: "racer-\(index)") }
            }
            return await group.reduce(into: [WorkspaceLock?]()) { $0.append($1) }
        }
        let winners = results.compactMap { $0 }
        #expect(winners.count == 1)
        #expect(winners.first?.tookOverFrom == stale)
        #expect(WorkspaceLock.holder(workspace: directory.url) == winners.first?.holder)
    }

    @Test func aReleasedLockCanBeTakenAgainWithoutATakeover() throws {
        let directory = try TemporaryDirectory()
        try FileManager.default.createDirectory(
            at: WorkspaceLock.url(workspace: directory.url).deletingLastPathComponent(), withIntermediateDirectories: true)
        do {
            let first = try WorkspaceLock.acquire(workspace: directory.url, run: "one")
            #expect(throws: EngineError.self) { try WorkspaceLock.acquire(workspace: directory.url, run: "two") }
            first.release()
        }
        let second = try WorkspaceLock.acquire(workspace: directory.url, run: "two")
        #expect(second.tookOverFrom == nil)
        #expect(WorkspaceLock.holder(workspace: directory.url)?.run == "two")
    }
}
