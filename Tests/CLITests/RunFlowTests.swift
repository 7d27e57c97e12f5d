import Foundation
import Testing

/// `belay run` end to end: order of actions, compensation, restore, exit codes.
@Suite struct RunFlowTests {
    static let threePhases = playbookText(
        phase("one", steps: tracedStep("a"), tracedStep("b", run: "echo changed > app.txt; mkdir -p out; echo 1 > out/b.txt")),
        phase("two", steps: tracedStep("c"), tracedStep("d")),
        phase("three", steps: tracedStep("e"), tracedStep("f")))

    @Test func successRunsEveryStepInOrderAndRecordsEveryPoint() throws {
        let fixture = try RunFixture(playbook: Self.threePhases)
        let result = try fixture.run()
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(fixture.traced == ["a:run", "b:run", "c:run", "d:run", "e:run", "f:run"])
        #expect(result.stdout.contains("▸ Phase 2/3 two"))
        #expect(result.stdout.contains("✓ a"))
        #expect(result.stdout.contains("completed"))
        #expect(fixture.read("app.txt") == "changed\n")
        let refs = try fixture.git(["for-each-ref", "--format=%(refname)", "refs/belay/points/r1/"])
        #expect(Set(refs.split(separator: "\n").map(String.init)) == Set(["start", "one", "two", "three"].map { "refs/belay/points/r1/\($0)" }))
        let subject = try fixture.git(["log", "-1", "--format=%s", "refs/belay/points/r1/two"])
        #expect(subject == "belay: r1 phase_completed two")
        let events = try fixture.events()
        #expect(events.first == "run_started")
        #expect(events.last == "run_completed")
        #expect(FileManager.default.fileExists(atPath: fixture.workspace.appendingPathComponent(".belay/runs/r1/playbook.yml").path))
        #expect(!fixture.exists(".belay/lock"))
    }

    @Test func failureInTheFirstPhaseCompensatesThatStepOnly() throws {
        let fixture = try RunFixture(playbook: playbookText(
            phase("one", steps: tracedStep("a", run: "exit 7"), tracedStep("b")),
            phase("two", steps: tracedStep("c"))))
        let result = try fixture.run()
        #expect(result.status == 1)
        #expect(fixture.traced == ["a:run", "a:compensate"])
        #expect(result.stdout.contains("✗ a"))
        #expect(result.stdout.contains("exit code 7"))
        #expect(result.stdout.contains("↺ one/a compensated"))
    }

    @Test func failureInAMiddlePhaseCompensatesEveryStartedStepNewestFirstAndRestoresTheWorkspace() throws {
        let fixture = try RunFixture(playbook: playbookText(
            phase("one", steps: tracedStep("a"), tracedStep("b", run: "echo changed > app.txt; mkdir -p out; echo 1 > out/b.txt")),
            phase("two", steps: tracedStep("c"), tracedStep("d", run: "echo partial > out/d.txt; false")),
            phase("three", steps: tracedStep("e"))))
        let result = try fixture.run()
        #expect(result.status == 1, "\(result.stdout)\(result.stderr)")
        #expect(fixture.traced == ["a:run", "b:run", "c:run", "d:run", "d:compensate", "c:compensate", "b:compensate", "a:compensate"])
        // The files the steps wrote are gone and the edited one is back: the start point's tree.
        #expect(fixture.read("app.txt") == "original\n")
        #expect(!fixture.exists("out"))
        let startTree = try fixture.git(["rev-parse", "refs/belay/points/r1/start^{tree}"])
        let restoredTree = try fixture.git(["rev-parse", "refs/belay/runs/r1^{tree}"])
        #expect(!startTree.isEmpty)
        #expect(startTree == restoredTree)
        #expect(try fixture.git(["log", "-1", "--format=%s", "refs/belay/runs/r1"]) == "belay: r1 restore start")
        #expect(try fixture.events().suffix(2) == ["workspace_restored", "run_compensated"])
        #expect(result.stdout.contains("workspace restored to the start point"))
        #expect(result.stdout.contains("belay status r1"))
    }

    @Test func failureInTheLastStepCompensatesEverything() throws {
        let fixture = try RunFixture(playbook: playbookText(
            phase("one", steps: tracedStep("a")),
            phase("two", steps: tracedStep("b"), tracedStep("c", run: "exit 1"))))
        let result = try fixture.run()
        #expect(result.status == 1)
        #expect(fixture.traced == ["a:run", "b:run", "c:run", "c:compensate", "b:compensate", "a:compensate"])
    }

    @Test func failureInsideAParallelPhaseCompensatesItsStartedStepsThenTheEarlierOnes() throws {
        let fixture = try RunFixture(playbook: playbookText(
            phase("one", steps: tracedStep("a")),
            phase("fan", ["parallel: true"], steps: tracedStep("p1", run: "sleep 0.2"), tracedStep("p2", run: "exit 4"),
                  tracedStep("p3", run: "sleep 0.2")),
            phase("three", steps: tracedStep("z"))))
        let result = try fixture.run()
        #expect(result.status == 1)
        let lines = fixture.traced
        #expect(lines.first == "a:run")
        #expect(Set(lines[1...3]) == ["p1:run", "p2:run", "p3:run"])
        #expect(Set(lines[4...6]) == ["p1:compensate", "p2:compensate", "p3:compensate"])
        #expect(lines.last == "a:compensate")
        #expect(lines.count == 8)
        #expect(!lines.contains("z:run"))
    }

    @Test func maxParallelBoundsTheFanOut() throws {
        let step = { (id: String) in
            tracedStep(id, run: #"n=$(ls "$TRACE.d" 2>/dev/null | wc -l); echo $n >> "$TRACE.peak"; touch "$TRACE.d/$BELAY_STEP"; sleep 0.15; rm "$TRACE.d/$BELAY_STEP""#)
        }
        let fixture = try RunFixture(playbook: playbookText(
            phase("fan", ["parallel: true", "max_parallel: 2"], steps: step("s1"), step("s2"), step("s3"), step("s4"))))
        try FileManager.default.createDirectory(atPath: fixture.trace.path + ".d", withIntermediateDirectories: true)
        let result = try fixture.run()
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        let seen = try String(contentsOfFile: fixture.trace.path + ".peak", encoding: .utf8)
            .split(separator: "\n").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
        #expect(seen.count == 4)
        #expect(seen.allSatisfy { $0 <= 1 })
    }

    @Test func aFailingVerifyFailsTheStep() throws {
        let fixture = try RunFixture(playbook: playbookText(
            phase("one", steps: tracedStep("a"), tracedStep("b", fields: [#"verify: 'echo "$BELAY_STEP:$BELAY_ACTION" >> "$TRACE"; test -f missing.txt'"#]))))
        let result = try fixture.run()
        #expect(result.status == 1)
        #expect(fixture.traced == ["a:run", "b:run", "b:verify", "b:compensate", "a:compensate"])
        #expect(result.stdout.contains("verify failed"))
        #expect(result.stdout.contains("one.b.verify.1.log"))
    }

    @Test func retriesSucceedOnTheThirdAttempt() throws {
        let fixture = try RunFixture(playbook: playbookText(
            phase("one", steps: tracedStep(
                "flaky", run: #"echo x >> "$TRACE.count"; test "$(wc -l < "$TRACE.count")" -ge 3 && test "$BELAY_ATTEMPT" = 3"#,
                fields: ["retry: { attempts: 3, delay: 10ms, backoff: 2.0 }"]))))
        let result = try fixture.run()
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(fixture.traced == ["flaky:run", "flaky:run", "flaky:run"])
        #expect(result.stdout.contains("attempt 3"))
        let attempts = try fixture.journal().filter { $0["event"] as? String == "attempt_finished" }
        #expect(attempts.map { $0["exit_code"] as? Int } == [1, 1, 0])
        for attempt in 1...3 {
            #expect(fixture.exists(".belay/runs/r1/logs/one.flaky.run.\(attempt).log"))
        }
    }

    @Test func aTimeoutKillsTheWholeProcessTree() throws {
        let fixture = try RunFixture(playbook: playbookText(
            phase("one", steps: tracedStep(
                "slow", run: #"sleep 60 & echo $! > "$TRACE.pid"; wait"#, fields: ["timeout: 500ms"]))))
        let result = try fixture.run()
        #expect(result.status == 1)
        #expect(result.stdout.contains("timed out after 500ms"))
        let pidText = try String(contentsOfFile: fixture.trace.path + ".pid", encoding: .utf8)
        let pid = try #require(Int32(pidText.trimmingCharacters(in: .whitespacesAndNewlines)))
        var alive = true
        for _ in 0..<100 where alive {
            alive = kill(pid, 0) == 0
            if alive { usleep(20_000) }
        }
        #expect(!alive, "the child (pid \(pid)) survived the timeout")
        #expect(fixture.traced == ["slow:run", "slow:compensate"])
    }

    /// Belay itself ignores SIGPIPE, SIGINT and SIGTERM and holds its journal and repository open; a
    /// step's process starts with none of that: default signals, only its three standard descriptors,
    /// in the workspace, leading a process group of its own.
    @Test func aStepStartsCleanInItsWorkspaceAndItsOwnProcessGroup() throws {
        let probe = #"{ echo "pwd=$(pwd -P)"; echo "pid=$$"; echo "group=$(cut -d" " -f5 /proc/$$/stat)"; "#
            + #"awk '/^Sig(Ign|Blk)/ { print $1 $2 }' /proc/self/status; "#
            + #"echo "descriptors=$(ls /proc/self/fd | tr "\n" " ")"; } > "$TRACE.probe""#
        let fixture = try RunFixture(playbook: playbookText(phase("one", steps: tracedStep("probe", run: probe))))
        let result = try fixture.run()
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        let lines = try String(contentsOfFile: fixture.trace.path + ".probe", encoding: .utf8)
            .split(separator: "\n").map(String.init)
        let facts = Dictionary(lines.compactMap { line -> (String, String)? in
            guard let split = line.firstIndex(where: { $0 == "=" || $0 == ":" }) else { return nil }
            return (String(line[..<split]), String(line[line.index(after: split)...]))
        }, uniquingKeysWith: { first, _ in first })
        #expect(facts["pwd"] == fixture.workspace.resolvingSymlinksInPath().path)
        #expect(facts["group"] != nil && facts["group"] == facts["pid"], "\(lines)")
        // Signals 1 to 31; the C library keeps two of its own real-time signals ignored.
        #expect(facts["SigIgn"].flatMap { UInt64($0, radix: 16) }.map { $0 & 0x7fff_ffff } == 0, "\(lines)")
        #expect(facts["SigBlk"] == "0000000000000000", "\(lines)")
        // ls's own three, and the folder it lists.
        #expect(facts["descriptors"] == "0 1 2 3 ", "\(lines)")
    }

    /// A fresh workspace's start point stores every file as one pack (not a loose object each), and a
    /// rollback to it restores from that pack.
    @Test func theStartPointOfAFreshWorkspaceIsOnePackThatARollbackRestores() throws {
        let fixture = try RunFixture(playbook: playbookText(
            phase("one", steps: tracedStep("a", run: "for i in $(seq 1 40); do echo changed > src/f$i.txt; done"))))
        for file in 1...40 {
            let folder = fixture.workspace.appendingPathComponent("src")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            try "file \(file)\n".write(to: folder.appendingPathComponent("f\(file).txt"), atomically: false, encoding: .utf8)
        }
        #expect(try fixture.run().status == 0)
        let packs = try FileManager.default.contentsOfDirectory(
            atPath: fixture.workspace.appendingPathComponent(".belay/git/objects/pack").path).filter { $0.hasSuffix(".pack") }
        #expect(packs.count == 1)
        let count = try fixture.git(["count-objects", "-v"])
        #expect(count.contains("in-pack: 44"), "\(count)")  // 40 files, app.txt, the playbook, 2 trees
        _ = try fixture.git(["fsck", "--full", "--strict", "--no-dangling"])

        let rollback = try fixture.belay(["rollback", "r1", "--to", "start", "--workspace", fixture.workspace.path])
        #expect(rollback.status == 0, "\(rollback.stdout)\(rollback.stderr)")
        #expect(fixture.read("src/f17.txt") == "file 17\n")
        #expect(fixture.read("app.txt") == "original\n")
    }

    @Test func aNonCriticalFailureIsAWarningAndTheRunGoesOn() throws {
        let fixture = try RunFixture(playbook: playbookText(
            phase("one", steps: tracedStep("optional", run: "exit 2", fields: ["critical: false"]), tracedStep("b"))))
        let result = try fixture.run()
        #expect(result.status == 0)
        #expect(fixture.traced == ["optional:run", "b:run"])
        #expect(result.stdout.contains("⚠ optional"))
        #expect(try fixture.events().contains("step_warning"))
    }

    @Test func aFailingCompensationLeavesTheRunStuck() throws {
        let fixture = try RunFixture(playbook: playbookText(
            phase("one", steps: tracedStep("a"), tracedStep("b", compensate: traceLine + "; echo cannot undo >&2; exit 9"),
                  tracedStep("c", run: "exit 1"))))
        let result = try fixture.run()
        #expect(result.status == 3, "\(result.stdout)\(result.stderr)")
        #expect(fixture.traced == ["a:run", "b:run", "c:run", "c:compensate", "b:compensate"])
        #expect(result.stdout.contains("STUCK"))
        #expect(result.stdout.contains("one/b"))
        #expect(result.stdout.contains(".belay/runs/r1/logs/one.b.compensate.1.log"))
        #expect(result.stdout.contains("cannot undo"))
        #expect(result.stdout.contains("belay resume r1"))
        #expect(result.stdout.contains("belay resolve r1 --step one/b"))
        #expect(try fixture.events().last == "run_stuck")
        let status = try fixture.belay(["status", "r1", "--workspace", fixture.workspace.path, "--json"])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [String: Any])
        #expect(object["status"] as? String == "stuck")
    }

    @Test func pauseStopsWithoutCompensating() throws {
        let fixture = try RunFixture(playbook: playbookText(phase("one", steps: tracedStep("a"), tracedStep("b", run: "exit 1"))))
        let result = try fixture.run(["--on-failure", "pause"])
        #expect(result.status == 75)
        #expect(fixture.traced == ["a:run", "b:run"])
        #expect(result.stdout.contains("belay resume r1"))
        let stop = try RunFixture(playbook: playbookText(phase("one", steps: tracedStep("a"), tracedStep("b", run: "exit 1"))))
        #expect(try stop.run(["--on-failure", "stop"]).status == 1)
        #expect(stop.traced == ["a:run", "b:run"])
        #expect(try stop.events().last == "run_failed")
    }

    @Test func anInvalidPlaybookExits2WithDiagnostics() throws {
        let fixture = try RunFixture(playbook: "name: test\nphases:\n  - id: one\n    steps:\n      - id: a\n        rn: true\n")
        let result = try fixture.run()
        #expect(result.status == 2)
        #expect(result.stderr.contains("playbook.yml:6"))
        #expect(result.stdout.isEmpty)
    }

    @Test func aGateStepWhosePolicyIsMissingFailsClearly() throws {
        let fixture = try RunFixture(playbook: playbookText(
            phase("one", steps: tracedStep("a"), "      - id: g\n        gate: { policy: gate.yml }\n")))
        let result = try fixture.run()
        #expect(result.status == 1)
        #expect(result.stdout.contains("the policy gate.yml is invalid"))
        #expect(result.stdout.contains("cannot read the policy file"))
        #expect(fixture.traced == ["a:run", "a:compensate"])
    }
}
