import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// The shared PostgreSQL store end to end: separate workspace copies stand in for separate machines,
/// all of them pointed at one store.
@Suite(.postgres)
struct SharedStoreTests {
    @Test func aRunStartedOnAIsSeenAndResumedOnBAfterAIsKilled() throws {
        let (_, _, url) = try storeURL()
        let text = sharedPlaybook(
            lock: "ab",
            phase("one", steps: tracedStep("a")),
            phase("two", steps: tracedStep(
                "b", run: #"if [ "${MACHINE:-}" = A ]; then echo $$ > "$TRACE.group"; touch "$TRACE.started"; sleep 60; fi"#,
                fields: ["idempotent: true"])),
            phase("three", steps: tracedStep("c")))
        let a = try RunFixture(playbook: text), b = try RunFixture(playbook: text)
        let (process, _) = try start(a, ["run", a.playbook.path, "--run-id", "r1", "--store", url], environment: ["MACHINE": "A"])
        #expect(waitFor(a.trace.path + ".started"))
        killMachine(process, group: a.trace.path + ".group")

        let runs = try b.belay(["runs", "--store", url, "--workspace", b.workspace.path])
        #expect(runs.status == 0 && runs.stdout.contains("r1"), "\(runs.output)")
        let status = try b.belay(["status", "r1", "--store", url, "--workspace", b.workspace.path])
        #expect(status.status == 0, "\(status.output)")
        let log = try b.belay(["log", "r1", "--store", url, "--workspace", b.workspace.path])
        #expect(log.status == 0 && log.stdout.contains("a"), "\(log.output)")
        #expect(try b.belay(["inspect", "r1", "one", "--store", url, "--workspace", b.workspace.path]).status == 0)

        // A's lease lapses; B takes the run's lock over and finishes the run.
        sleep(3)
        let resumed = try b.belay(["resume", "r1", "--store", url, "--workspace", b.workspace.path])
        #expect(resumed.status == 0, "\(resumed.output)")
        #expect(b.traced == ["b:run", "c:run"])
        let events = try b.belay(["log", "r1", "--store", url, "--workspace", b.workspace.path, "--json"]).stdout
        #expect(events.contains("run_completed"))
    }

    @Test func aRollbackOnBOfARunOfAGivesThePointsExactTree() throws {
        let (_, _, url) = try storeURL()
        let text = sharedPlaybook(
            lock: "rollback",
            phase("one", steps: tracedStep("a", run: "echo a > a.txt; mkdir -p deep; echo x > deep/x.txt", compensate: traceLine + "; rm -rf a.txt deep")),
            phase("two", steps: tracedStep("b", run: "echo b > b.txt; echo changed > app.txt", compensate: traceLine + "; rm -f b.txt")))
        let a = try RunFixture(playbook: text), b = try RunFixture(playbook: text)
        let ran = try a.run(id: "r2", ["--store", url])
        #expect(ran.status == 0, "\(ran.output)")
        // B is a fresh checkout: none of A's changes. The rollback restores the point's tree exactly.
        let rolled = try b.belay(["rollback", "r2", "--to", "one", "--force", "--store", url, "--workspace", b.workspace.path])
        #expect(rolled.status == 0, "\(rolled.output)")
        #expect(b.traced == ["b:compensate"])
        #expect(b.read("a.txt") == "a\n")
        #expect(b.read("deep/x.txt") == "x\n")
        #expect(b.read("app.txt") == "original\n")
        #expect(!b.exists("b.txt"))
        let listed = try FileManager.default.contentsOfDirectory(atPath: b.workspace.path).filter { $0 != ".belay" }.sorted()
        #expect(listed == ["a.txt", "app.txt", "deep", "playbook.yml"])
    }

    @Test func runnersOnOneLockWithLockWaitRunOneAtATimeAndAllComplete() throws {
        let (_, _, url) = try storeURL(lease: "5s")
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("belay-queue-\(UUID().uuidString).log")
        defer { try? FileManager.default.removeItem(at: log) }
        let step = #"echo "start $(date +%s.%N)" >> "$QUEUE_LOG"; sleep 0.3; echo "end $(date +%s.%N)" >> "$QUEUE_LOG""#
        let text = sharedPlaybook(lock: "queue", phase("one", steps: tracedStep("work", run: step)))
        let fixtures = try (0..<6).map { _ in try RunFixture(playbook: text) }
        let started = try fixtures.enumerated().map { index, fixture in
            try start(fixture, ["run", fixture.playbook.path, "--run-id", "q\(index)", "--store", url, "--lock-wait", "2m"],
                      environment: ["QUEUE_LOG": log.path])
        }
        for (process, out) in started {
            process.waitUntilExit()
            #expect(process.terminationStatus == 0, "\((try? String(contentsOf: out, encoding: .utf8)) ?? "")")
        }
        let outputs = started.map { (try? String(contentsOf: $0.1, encoding: .utf8)) ?? "" }
        #expect(outputs.contains { $0.contains("ahead in the queue") || $0.contains("next in the queue") })
        let lines = try String(contentsOf: log, encoding: .utf8).split(separator: "\n").map { $0.split(separator: " ") }
        #expect(lines.count == 12)
        // Every start is followed by its own end before the next start: no two runs overlapped.
        for (index, line) in lines.enumerated() { #expect(line.first == (index % 2 == 0 ? "start" : "end")) }
    }

    @Test func aRunnerFrozenPastItsLeaseIsFencedWhenItWakes() throws {
        let (server, database, url) = try storeURL()
        let text = sharedPlaybook(
            lock: "frozen",
            phase("one", steps: tracedStep("slow", run: #"touch "$TRACE.started"; sleep 5"#)),
            phase("two", steps: tracedStep("after")))
        let a = try RunFixture(playbook: text), c = try RunFixture(playbook: text)
        let (process, out) = try start(a, ["run", a.playbook.path, "--run-id", "frozen", "--store", url])
        #expect(waitFor(a.trace.path + ".started"))
        kill(process.processIdentifier, SIGSTOP)
        let count = "SELECT count(*) FROM belay_events WHERE run_id = 'frozen'"
        let before = try server.psql(count, database: database)
        sleep(3)
        let other = try c.run(id: "taker", ["--store", url, "--lock-wait", "30s"])
        #expect(other.status == 0, "\(other.output)")
        let log = try server.psql("SELECT action FROM belay_lock_log WHERE name = 'frozen' ORDER BY id", database: database)
        #expect(log.contains("takeover"))
        kill(process.processIdentifier, SIGCONT)
        process.waitUntilExit()
        let said = (try? String(contentsOf: out, encoding: .utf8)) ?? ""
        #expect(process.terminationStatus == 75, "\(said)")
        #expect(said.contains("no longer ours") || said.contains("lapsed"), "\(said)")
        #expect(try server.psql(count, database: database) == before)
        #expect(!a.traced.contains("after:run"))
    }

    @Test func theDatabaseLostMidRunPausesTheRunAndResumeFinishesIt() throws {
        let (server, database, url) = try storeURL(lease: "30s")
        let text = sharedPlaybook(
            lock: "lost",
            phase("one", steps: tracedStep("slow", run: #"touch "$TRACE.started"; sleep 1"#, fields: ["idempotent: true"])),
            phase("two", steps: tracedStep("after")))
        let a = try RunFixture(playbook: text)
        let (process, out) = try start(a, ["run", a.playbook.path, "--run-id", "lost", "--store", url])
        #expect(waitFor(a.trace.path + ".started"))
        try server.psql("""
            ALTER DATABASE \(database) ALLOW_CONNECTIONS false;
            SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '\(database)';
            """)
        process.waitUntilExit()
        let said = (try? String(contentsOf: out, encoding: .utf8)) ?? ""
        #expect(process.terminationStatus == 75, "\(said)")
        #expect(!a.traced.contains("after:run"))
        try server.psql("ALTER DATABASE \(database) ALLOW_CONNECTIONS true")
        // The lease of the paused run has not lapsed, but its process is gone: release it by hand.
        let released = try a.belay(["lock", "release", "lost", "--force", "--note", "the runner stopped", "--store", url])
        #expect(released.status == 0, "\(released.output)")
        let resumed = try a.belay(["resume", "lost", "--store", url, "--workspace", a.workspace.path])
        #expect(resumed.status == 0, "\(resumed.output)")
        #expect(a.traced.last == "after:run")
    }

    @Test func anUnreachableStoreAtStartStartsNothing() throws {
        let port = try PostgresServer.freePort()
        let fixture = try RunFixture(playbook: sharedPlaybook(lock: "x", phase("one", steps: tracedStep("a"))))
        let result = try fixture.run(["--store", "postgres://postgres@127.0.0.1:\(port)/nowhere"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("cannot be reached") && result.stderr.contains("nothing was started"), "\(result.stderr)")
        #expect(fixture.traced.isEmpty)
        #expect(!fixture.exists(".belay/runs/r1"))
    }

    @Test func lockStatusShowsTheHolderAndTheSchemaIsMigratedOnce() throws {
        let (server, database, url) = try storeURL(lease: "30s")
        let text = sharedPlaybook(lock: "shown", phase("one", steps: tracedStep("slow", run: #"touch "$TRACE.started"; sleep 2"#)))
        let a = try RunFixture(playbook: text)
        let (process, _) = try start(a, ["run", a.playbook.path, "--run-id", "held", "--store", url])
        #expect(waitFor(a.trace.path + ".started"))
        let status = try a.belay(["lock", "status", "--store", url])
        #expect(status.status == 0 && status.stdout.contains("shown") && status.stdout.contains("run held"), "\(status.output)")
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        let free = try a.belay(["lock", "status", "shown"], environment: ["BELAY_STORE": url])
        #expect(free.stdout.contains("free"), "\(free.output)")
        #expect(try server.psql("SELECT max(version) FROM belay_schema_migrations", database: database) == "1")
    }
}
