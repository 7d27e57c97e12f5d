import Foundation
import Synchronization
import Testing

/// Kills `belay` at every durable event of a run, of a failing run and of a rollback
/// (BELAY_FAILPOINT), then resumes, and checks from a trace kept outside the workspace that no
/// non-idempotent step ran twice, every started step was compensated exactly once when the run ends
/// compensated or rolled back, and the workspace is exactly the expected rollback point.
@Suite struct CrashMatrixTests {
    static let phases = ["p1", "p2", "p3"]
    static let steps = ["a", "b", "c"]
    /// `a` is idempotent, `b` has a verify, `c` is neither: a crash leaves only `a` safe to re-run.
    static func playbook(failLast: Bool = false) -> String {
        let trace = #"echo "$BELAY_PHASE/$BELAY_STEP:$BELAY_ACTION" >> "$TRACE""#
        var text = "name: matrix\ndefaults:\n  retry: { attempts: 1, delay: 10ms }\nphases:\n"
        for phase in phases {
            text += "  - id: \(phase)\n    steps:\n"
            for step in steps {
                let fails = failLast && phase == "p3" && step == "c"
                let run = trace + (fails ? "; exit 1" : #"; echo "$BELAY_STEP" > "$BELAY_PHASE.$BELAY_STEP""#)
                text += "      - id: \(step)\n"
                text += "        run: \(yamlQuoted(run))\n"
                text += "        compensate: \(yamlQuoted(trace + #"; rm -f "$BELAY_PHASE.$BELAY_STEP""#))\n"
                if step == "a" { text += "        idempotent: true\n" }
                if step == "b" { text += "        verify: \(yamlQuoted(#"test -f "$BELAY_PHASE.$BELAY_STEP""#))\n" }
            }
        }
        return text
    }

    /// `event:n` for every durable event of `events` that something follows (not the run's last).
    static func boundaries(_ events: [String]) -> [String] {
        var seen: [String: Int] = [:]
        var result: [String] = []
        for event in events where !event.hasPrefix("run_") || event == "run_started" {
            seen[event, default: 0] += 1
            if event == "attempt_finished" { continue }  // written with the step's outcome: same boundary
            result.append("\(event):\(seen[event]!)")
        }
        return result
    }

    /// Runs `body` for each item on two workers; returns the problems found.
    static func inParallel(_ items: [String], _ body: @escaping @Sendable (String) throws -> [String]) -> [String] {
        let problems = Mutex<[String]>([])
        let next = Mutex(0)
        DispatchQueue.concurrentPerform(iterations: 3) { _ in
            while true {
                let index = next.withLock { value -> Int in defer { value += 1 }; return value }
                guard index < items.count else { return }
                let found: [String]
                do { found = try body(items[index]) } catch { found = ["\(error)"] }
                problems.withLock { $0 += found.map { "\(items[index]): \($0)" } }
            }
        }
        return problems.withLock { $0 }
    }

    /// Checks the end state: `point` is where the workspace must be, `undone` the phases whose
    /// started steps must each have been compensated exactly once.
    static func check(_ fixture: RunFixture, status expected: Set<String>) throws -> [String] {
        var problems: [String] = []
        let status = try fixture.belay(["status", "r1", "--workspace", fixture.workspace.path, "--json"])
        let object = try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [String: Any]
        let state = object?["status"] as? String ?? "?"
        if !expected.contains(state) { problems.append("status \(state), expected \(expected.sorted())") }
        let journal = try fixture.journal()
        let started = Set(journal.filter { $0["event"] as? String == "step_started" }
            .map { "\($0["phase"] as! String)/\($0["step"] as! String)" })
        let trace = fixture.traced
        for phase in phases {
            for step in steps where step != "a" {
                let runs = trace.filter { $0 == "\(phase)/\(step):run" }.count
                if runs > 1 { problems.append("\(phase)/\(step) (not idempotent) ran \(runs) times") }
            }
        }
        let point: String
        var undone: Set<String> = []
        switch state {
        case "completed": point = "p3"
        case "compensated": point = "start"; undone = Set(phases)
        case "rolled_back":
            let target = journal.last { $0["event"] as? String == "run_rolled_back" }?["point"] as? String ?? "?"
            point = target
            undone = target == "start" ? Set(phases) : Set(phases.drop(while: { $0 != target }).dropFirst())
        default: return problems + ["unexpected status \(state)"]
        }
        for phase in phases {
            for step in steps {
                let key = "\(phase)/\(step)"
                let compensations = trace.filter { $0 == "\(key):compensate" }.count
                let owed = undone.contains(phase) && started.contains(key) ? 1 : 0
                if compensations != owed { problems.append("\(key) compensated \(compensations) times, expected \(owed)") }
            }
        }
        let pointTree = try fixture.git(["rev-parse", "refs/belay/points/r1/\(point)^{tree}"])
        let lastTree = try fixture.git(["rev-parse", "refs/belay/runs/r1^{tree}"])
        if pointTree.isEmpty || pointTree != lastTree { problems.append("last commit's tree \(lastTree) is not point \(point)'s \(pointTree)") }
        let kept = point == "start" ? [] : Array(phases.prefix { $0 != point }) + [point]
        let expectedFiles = Set(kept.flatMap { phase in steps.map { "\(phase).\($0)" } })
        let files = Set(try FileManager.default.contentsOfDirectory(atPath: fixture.workspace.path)
            .filter { $0.hasPrefix("p") && $0.contains(".") && $0 != "playbook.yml" })
        if files != expectedFiles { problems.append("files \(files.sorted()), expected \(expectedFiles.sorted()) at point \(point)") }
        for file in expectedFiles where fixture.read(file) != "\(file.split(separator: ".")[1])\n" {
            problems.append("\(file) has the wrong content")
        }
        if fixture.read("app.txt") != "original\n" { problems.append("app.txt changed") }
        return problems
    }

    @Test func crashAtEveryEventOfARunThenResume() throws {
        let clean = try RunFixture(playbook: Self.playbook())
        #expect(try clean.run().status == 0)
        let boundaries = Self.boundaries(try clean.events())
        #expect(boundaries.count >= 25)
        let problems = Self.inParallel(boundaries) { failpoint in
            let fixture = try RunFixture(playbook: Self.playbook())
            let crashed = try fixture.run(environment: ["BELAY_FAILPOINT": failpoint])
            guard crashed.status == 137 else { return ["crash exit \(crashed.status)"] }
            let resumed = try fixture.belay(["resume", "r1", "--workspace", fixture.workspace.path])
            guard resumed.status == 0 || resumed.status == 1 else { return ["resume exit \(resumed.status): \(resumed.stderr)"] }
            return try Self.check(fixture, status: ["completed", "compensated"])
        }
        #expect(problems.isEmpty, "\(problems.joined(separator: "\n"))")
    }

    @Test func crashAtEveryEventOfAFailingRunThenResume() throws {
        let clean = try RunFixture(playbook: Self.playbook(failLast: true))
        #expect(try clean.run().status == 1)
        let boundaries = Self.boundaries(try clean.events())
        #expect(boundaries.contains("compensation_started:9") && boundaries.contains("workspace_restored:1"))
        let problems = Self.inParallel(boundaries) { failpoint in
            let fixture = try RunFixture(playbook: Self.playbook(failLast: true))
            let crashed = try fixture.run(environment: ["BELAY_FAILPOINT": failpoint])
            guard crashed.status == 137 else { return ["crash exit \(crashed.status)"] }
            let resumed = try fixture.belay(["resume", "r1", "--workspace", fixture.workspace.path])
            guard resumed.status == 1 else { return ["resume exit \(resumed.status): \(resumed.stderr)"] }
            return try Self.check(fixture, status: ["compensated"])
        }
        #expect(problems.isEmpty, "\(problems.joined(separator: "\n"))")
    }

    @Test func crashAtEveryEventOfARollbackThenResume() throws {
        let clean = try RunFixture(playbook: Self.playbook())
        #expect(try clean.run().status == 0)
        let before = try clean.events().count
        #expect(try clean.belay(["rollback", "r1", "--to", "p1", "--workspace", clean.workspace.path]).status == 0)
        let boundaries = Self.boundaries(Array(try clean.events().dropFirst(before)))
        #expect(boundaries.contains("compensation_succeeded:6") && boundaries.contains("rollback_started:1"))
        let problems = Self.inParallel(boundaries) { failpoint in
            let fixture = try RunFixture(playbook: Self.playbook())
            guard try fixture.run().status == 0 else { return ["run failed"] }
            let crashed = try fixture.belay(
                ["rollback", "r1", "--to", "p1", "--workspace", fixture.workspace.path], environment: ["BELAY_FAILPOINT": failpoint])
            guard crashed.status == 137 else { return ["crash exit \(crashed.status)"] }
            let resumed = try fixture.belay(["resume", "r1", "--workspace", fixture.workspace.path])
            guard resumed.status == 0 else { return ["resume exit \(resumed.status): \(resumed.stdout)\(resumed.stderr)"] }
            return try Self.check(fixture, status: ["rolled_back"])
        }
        #expect(problems.isEmpty, "\(problems.joined(separator: "\n"))")
    }

    @Test func rollbackToEveryPointOfACompletedRun() throws {
        let problems = Self.inParallel(["start"] + Self.phases) { target in
            let fixture = try RunFixture(playbook: Self.playbook())
            guard try fixture.run().status == 0 else { return ["run failed"] }
            let rolled = try fixture.belay(["rollback", "r1", "--to", target, "--workspace", fixture.workspace.path])
            guard rolled.status == 0 else { return ["rollback exit \(rolled.status): \(rolled.stdout)\(rolled.stderr)"] }
            var problems = try Self.check(fixture, status: ["rolled_back"])
            let last = try fixture.git(["log", "-1", "--format=%s", "refs/belay/runs/r1"])
            if last != "belay: r1 rollback \(target)" { problems.append("last commit is '\(last)'") }
            return problems
        }
        #expect(problems.isEmpty, "\(problems.joined(separator: "\n"))")
    }
}
