import Foundation
import Testing
@testable import BelayGit

@Suite struct CheckpointStoreTests {
    @Test func writesTheContractMessageAndTrailers() async throws {
        let ws = try TestWorkspace()
        try ws.write("a", "a\n")
        let store = try CheckpointStore(workspace: ws.url)
        let checkpoint = try await store.record(
            run: "deploy-1", event: "phase_completed", phase: "migrate", point: "migrate",
            summary: "Migrated the schema.", details: [("Belay-Decision", "PROCEED"), ("Belay-Note", "two\nlines")])
        #expect(checkpoint.message == """
            belay: deploy-1 phase_completed migrate

            Migrated the schema.

            Belay-Run: deploy-1
            Belay-Phase: migrate
            Belay-Event: phase_completed
            Belay-Decision: PROCEED
            Belay-Note: two\\nlines

            """)
        #expect(checkpoint.run == "deploy-1")
        #expect(checkpoint.event == "phase_completed")
        #expect(checkpoint.phase == "migrate")
        #expect(checkpoint.trailers["Belay-Decision"] == "PROCEED")
        #expect(checkpoint.trailers["Belay-Note"] == #"two\nlines"#)
        #expect(abs(checkpoint.time.timeIntervalSinceNow) < 120)

        // The git CLI reads the same thing.
        let log = try ws.git(["--git-dir", ".belay/git", "log", "--format=%an <%ae>%n%B", "refs/belay/runs/deploy-1"])
        #expect(log.hasPrefix("Belay <belay@localhost>\nbelay: deploy-1 phase_completed migrate\n"))
        let trailers = try ws.git(["--git-dir", ".belay/git", "log", "-1", "--format=%(trailers:key=Belay-Run,valueonly)", "refs/belay/runs/deploy-1"])
        #expect(trailers.trimmingCharacters(in: .whitespacesAndNewlines) == "deploy-1")
    }

    @Test func historyPointsAndRunsAreListedInOrder() async throws {
        let ws = try TestWorkspace()
        try ws.write("f", "0\n")
        let store = try CheckpointStore(workspace: ws.url)
        #expect(try await store.runs().isEmpty)
        #expect(try await store.last(run: "b-run") == nil)
        #expect(try await store.points(run: "b-run").isEmpty)

        let start = try await store.record(run: "b-run", event: "start", phase: "start", point: "start")
        try ws.write("f", "1\n")
        let zeta = try await store.record(run: "b-run", event: "phase_completed", phase: "zeta", point: "zeta")
        let note = try await store.record(run: "b-run", event: "step_note", phase: "zeta", point: nil)
        try ws.write("f", "2\n")
        let alpha = try await store.record(run: "b-run", event: "phase_completed", phase: "alpha", point: "alpha")
        _ = try await store.record(run: "a-run", event: "start", phase: "start", point: "start")

        #expect(try await store.runs() == ["a-run", "b-run"])
        #expect(try await store.history(run: "b-run").map(\.commit) == [start.commit, zeta.commit, note.commit, alpha.commit])
        #expect(try await store.points(run: "b-run").map(\.phase) == ["start", "zeta", "alpha"])
        #expect(try await store.point(run: "b-run", name: "zeta") == zeta)
        #expect(try await store.point(run: "b-run", name: "missing") == nil)
        #expect(try await store.last(run: "b-run") == alpha)

        // Rolling back appends a commit whose tree is the point's; nothing is rewritten.
        try await store.restore(zeta)
        let rollback = try await store.record(run: "b-run", event: "rollback", phase: "zeta", point: nil)
        #expect(rollback.tree == zeta.tree)
        #expect(try await store.history(run: "b-run").count == 5)
        #expect(try ws.read("f") == "1\n")
    }

    @Test func aMovedReferenceIsAConflictNotAnOverwrite() async throws {
        let ws = try TestWorkspace()
        try ws.write("f", "x\n")
        let store = try CheckpointStore(workspace: ws.url)
        let first = try await store.record(run: "r", event: "start", phase: "start", point: "start")
        let second = try await store.record(run: "r", event: "phase_completed", phase: "p", point: "p")

        let repository = try Repository(workspace: ws.url)
        let ref = CheckpointStore.runReference("r")
        // Someone expects the old tip: refused, and the ref keeps its value.
        #expect {
            try repository.compareAndSwapReference(ref, to: first.commit, expected: first.commit, logMessage: "stale")
        } throws: { ($0 as? GitError)?.code == .conflict }
        // Someone believes the ref does not exist yet: refused too.
        #expect {
            try repository.compareAndSwapReference(ref, to: first.commit, expected: nil, logMessage: "stale")
        } throws: { ($0 as? GitError)?.code == .conflict }
        #expect(try repository.target(of: ref) == second.commit)
        // The right expectation succeeds.
        try repository.compareAndSwapReference(ref, to: first.commit, expected: second.commit, logMessage: "ok")
        #expect(try repository.target(of: ref) == first.commit)
        let listed = try repository.references(withPrefix: "refs/belay/points/r/").map(\.name)
        #expect(listed == ["refs/belay/points/r/p", "refs/belay/points/r/start"])
    }

    @Test func rejectsNamesThatCannotBeRefs() async throws {
        let ws = try TestWorkspace()
        let store = try CheckpointStore(workspace: ws.url)
        for bad in ["", "a/b", "a..b", "with space", "x~1", "lock.lock"] {
            await #expect(throws: GitError.self) {
                _ = try await store.record(run: bad, event: "start", phase: "start", point: nil)
            }
        }
        await #expect(throws: GitError.self) {
            _ = try await store.record(run: "ok", event: "start", phase: "start", point: nil, details: [("Bad Key", "v")])
        }
        #expect(try await store.runs().isEmpty)
    }

    @Test func errorsSayWhatBelayWasDoing() throws {
        let ws = try TestWorkspace()
        let missing = ws.url.appendingPathComponent("does-not-exist")
        #expect {
            _ = try CheckpointStore(workspace: missing)
        } throws: { error in
            guard let error = error as? GitError else { return false }
            return error.code == .io && error.description.contains("does-not-exist")
        }
    }
}
