import Foundation
import Testing

/// `belay gc`: old finished runs go with their objects; unfinished runs and what they depend on stay;
/// a dry run changes nothing; `status` warns past the size limit; `runs` reads per-run summaries.
@Suite struct GCTests {
    /// Each run writes 64 KiB of random bytes (which no pack compresses) into `data.bin`.
    static func busyWorkspace() throws -> RunFixture {
        try RunFixture(playbook: playbookText(
            phase("one", steps: tracedStep("write", run: "head -c 65536 /dev/urandom > data.bin")),
            phase("two", steps: tracedStep("note", run: "echo $BELAY_RUN_ID > last-run.txt"))))
    }

    static func objectBytes(_ fixture: RunFixture) -> Int64 {
        bytes(under: fixture.workspace.appendingPathComponent(".belay/git/objects"))
    }

    static func bytes(under url: URL) -> Int64 {
        var total: Int64 = 0
        for case let file as URL in FileManager.default.enumerator(at: url, includingPropertiesForKeys: [.fileSizeKey]) ?? .init() {
            total += Int64((try? file.resourceValues(forKeys: [.fileSizeKey]).fileSize) ?? 0)
        }
        return total
    }

    func ws(_ fixture: RunFixture) -> [String] { ["--workspace", fixture.workspace.path] }

    @Test func aBusyWorkspaceStaysBoundedAndWhatStaysIsWhole() throws {
        let fixture = try Self.busyWorkspace()
        for number in 1...16 { #expect(try fixture.run(id: "r\(number)").status == 0) }
        let before = Self.objectBytes(fixture)
        #expect(before > 16 * 65536)

        let gc = try fixture.belay(["gc", "--keep-days", "0", "--keep-runs", "3", "--json"] + ws(fixture))
        #expect(gc.status == 0, "\(gc.stderr)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(gc.stdout.utf8)) as? [String: Any])
        let removed = (report["removed"] as? [[String: Any]])?.compactMap { $0["run"] as? String }
        #expect(removed == (1...13).map { "r\($0)" })
        #expect((report["kept"] as? [[String: Any]])?.compactMap { $0["reason"] as? String } == ["recent", "recent", "recent"])
        // r14's start point still holds r13's data.bin: twelve of the thirteen files go.
        #expect((report["bytes_freed"] as? Int ?? 0) > 12 * 65536)

        let runs = try FileManager.default.contentsOfDirectory(atPath: fixture.workspace.appendingPathComponent(".belay/runs").path)
        #expect(Set(runs) == ["r14", "r15", "r16"])
        #expect(try fixture.git(["for-each-ref", "--format=%(refname)", "refs/belay/runs/"]).split(separator: "\n").count == 3)
        let after = Self.objectBytes(fixture)
        #expect(after < 5 * 65536, "objects \(before) → \(after) bytes")
        // What stays is complete: every kept point and its files are readable, and rolling back works.
        #expect(try Tool.run(URL(fileURLWithPath: "/usr/bin/env"), [
            "git", "--git-dir", fixture.workspace.appendingPathComponent(".belay/git").path, "fsck", "--full", "--no-dangling",
        ], in: fixture.root).status == 0)
        #expect(try fixture.belay(["rollback", "r15", "--to", "start", "--force"] + ws(fixture)).status == 0)

        // Collecting everything finished still leaves the stat cache's files: the next run's
        // snapshot reuses them without writing them again, and its commits are whole.
        #expect(try fixture.belay(["gc", "--keep-days", "0", "--keep-runs", "0"] + ws(fixture)).status == 0)
        #expect(try fixture.run(id: "r17", ["--stop-after-phase", "one"]).status == 75)
        #expect(try fixture.belay(["resume", "r17"] + ws(fixture)).status == 0)
        #expect(try Tool.run(URL(fileURLWithPath: "/usr/bin/env"), [
            "git", "--git-dir", fixture.workspace.appendingPathComponent(".belay/git").path, "fsck", "--full", "--no-dangling",
        ], in: fixture.root).status == 0)
    }

    @Test func anUnfinishedRunAndTheRunItsResumeNamesSurvive() throws {
        let fixture = try Self.busyWorkspace()
        #expect(try fixture.run(id: "r1").status == 0)
        #expect(try fixture.run(id: "paused", ["--stop-after-phase", "one"]).status == 75)
        #expect(try fixture.run(id: "r2").status == 0)
        // Commits carry whole seconds: r3 must be seen to write after r2, not in the same second.
        Thread.sleep(forTimeInterval: 1.1)
        #expect(try fixture.run(id: "r3").status == 0)

        let gc = try fixture.belay(["gc", "--keep-days", "0", "--keep-runs", "0"] + ws(fixture))
        #expect(gc.status == 0, "\(gc.stderr)")
        #expect(gc.stdout.contains("Removed 2 runs"), "\(gc.stdout)")
        #expect(gc.stdout.contains("not finished: paused"), "\(gc.stdout)")
        #expect(gc.stdout.contains("wrote the workspace after an unfinished run: r3"), "\(gc.stdout)")
        #expect(!fixture.exists(".belay/runs/r1") && !fixture.exists(".belay/runs/r2"))
        #expect(fixture.exists(".belay/runs/paused/journal.jsonl") && fixture.exists(".belay/runs/r3/journal.jsonl"))
        for point in ["start", "one"] {
            #expect(!(try fixture.git(["rev-parse", "--verify", "-q", "refs/belay/points/paused/\(point)"])).isEmpty)
        }
        // The paused run still resumes as before: its drift is explained by the run that stayed.
        let resume = try fixture.belay(["resume", "paused"] + ws(fixture))
        #expect(resume.status == 2)
        #expect((resume.stdout + resume.stderr).contains("r3"), "\(resume.stderr)")
        let rollback = try fixture.belay(["rollback", "paused", "--to", "start", "--force"] + ws(fixture))
        #expect(rollback.status == 0, "\(rollback.stderr)")
    }

    @Test func aDryRunChangesNothingAndSaysWhatWouldGo() throws {
        let fixture = try Self.busyWorkspace()
        for number in 1...4 { #expect(try fixture.run(id: "r\(number)").status == 0) }
        let state = fixture.workspace.appendingPathComponent(".belay")
        func listing() -> [String] {
            (FileManager.default.enumerator(atPath: state.path)?.allObjects as? [String] ?? []).sorted().map { path in
                let attributes = try? FileManager.default.attributesOfItem(atPath: state.appendingPathComponent(path).path)
                return "\(path) \(attributes?[.size] ?? 0) \(attributes?[.modificationDate] ?? "")"
            }
        }
        let before = listing()
        let dry = try fixture.belay(["gc", "--keep-days", "0", "--keep-runs", "1", "--dry-run"] + ws(fixture))
        #expect(dry.status == 0, "\(dry.stderr)")
        #expect(dry.stdout.contains("Would remove 3 runs:"), "\(dry.stdout)")
        #expect(dry.stdout.contains("Would free "), "\(dry.stdout)")
        #expect(listing() == before)
        let json = try fixture.belay(["gc", "--keep-days", "0", "--keep-runs", "1", "--dry-run", "--json"] + ws(fixture))
        let report = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        #expect(report["dry_run"] as? Bool == true)
        #expect((report["bytes_freed"] as? Int ?? 0) > 2 * 65536)
        #expect(listing() == before)
        // Age keeps what count would let go.
        let young = try fixture.belay(["gc", "--keep-runs", "0"] + ws(fixture))
        #expect(young.stdout.contains("Nothing to remove."), "\(young.stdout)")
        #expect(young.stdout.contains("4 younger than --keep-days"), "\(young.stdout)")
    }

    @Test func statusWarnsPastTheStateLimit() throws {
        let fixture = try Self.busyWorkspace()
        #expect(try fixture.run(id: "r1").status == 0)
        let quiet = try fixture.belay(["status", "r1"] + ws(fixture))
        #expect(!quiet.stderr.contains("belay gc"))
        let loud = try fixture.belay(["status", "r1"] + ws(fixture), environment: ["BELAY_STATE_LIMIT": "64K"])
        #expect(loud.status == 0)
        #expect(loud.stderr.contains("past its limit of 64.0 KiB"), "\(loud.stderr)")
        #expect(loud.stderr.contains("belay gc --dry-run"))
    }

    @Test func runsReadsEachRunsSummaryAndRebuildsItWhenTheJournalGrows() throws {
        let fixture = try Self.busyWorkspace()
        #expect(try fixture.run(id: "r1", ["--stop-after-phase", "one"]).status == 75)
        #expect(try fixture.belay(["runs"] + ws(fixture)).stdout.contains("paused"))
        let summary = fixture.workspace.appendingPathComponent(".belay/runs/r1/summary.json")
        let stored = try String(contentsOf: summary, encoding: .utf8)
        #expect(stored.contains(#""status":"paused""#))
        // While the journal is unchanged the summary is what `runs` shows...
        try stored.replacingOccurrences(of: #""status":"paused""#, with: #""status":"stuck""#)
            .write(to: summary, atomically: true, encoding: .utf8)
        #expect(try fixture.belay(["runs"] + ws(fixture)).stdout.contains("stuck"))
        // ...and once the journal grows, it is folded again.
        #expect(try fixture.belay(["resume", "r1"] + ws(fixture)).status == 0)
        let runs = try fixture.belay(["runs", "--json"] + ws(fixture))
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(runs.stdout.utf8)) as? [[String: Any]])
        #expect(rows.first?["status"] as? String == "completed")
        try FileManager.default.removeItem(at: summary)
        #expect(try fixture.belay(["runs"] + ws(fixture)).stdout.contains("completed"))
        #expect(FileManager.default.fileExists(atPath: summary.path))
    }
}
