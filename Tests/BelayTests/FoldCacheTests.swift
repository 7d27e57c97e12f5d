import Foundation
import Testing
@testable import Belay

/// The fold cache gives back exactly the state the journal folds to, or is not used: every field
/// survives the bytes, damaged bytes are refused, and a journal whose bytes changed is folded whole.
@Suite struct FoldCacheTests {
    /// A state with every field of every type the cache writes set away from its blank value.
    static func everyFieldSet() -> RunState {
        var state = RunState()
        state.runID = "r1"
        state.playbook = "deploy ✓"
        state.workspace = "/srv/app"
        state.onFailure = .pause
        state.vars = ["version": "1.4.2"]
        state.source = "deploy.yml"
        state.environment = "prod"
        state.startedBy = "ana"
        state.shownVars = ["version"]
        state.status = .stuck
        state.startedTime = "2026-11-29T00:00:00.000Z"
        state.updatedTime = "2026-11-29T00:00:09.000Z"
        var step = RunState.StepState(id: "migrate")
        step.status = .compensationFailed
        step.attempts = 3
        step.durationMs = -12
        step.outputs = ["rows": "40"]
        step.value = "v"
        step.error = "exit 1"
        step.log = "logs/a.migrate.run.3.log"
        step.warning = true
        step.outcomeUnknown = true
        step.compensation = .failed
        step.compensationAttempts = 2
        step.compensationError = "exit 2"
        step.compensationLog = "logs/a.migrate.compensate.2.log"
        step.compensationDurationMs = 1 << 40
        step.resolvedNote = "fixed by hand"
        step.resolvedBy = "bo"
        step.hasStarted = true
        var phase = RunState.PhaseState(id: "a")
        phase.name = "Schema"
        phase.parallel = true
        phase.status = .compensating
        phase.checkpoint = "c0ffee"
        phase.skipNote = "skipped"
        phase.steps = [step, RunState.StepState(id: "second")]
        state.phases = [phase, RunState.PhaseState(id: "b")]
        let key = RunState.StepKey(phase: "a", step: "migrate")
        state.startedSteps = [key]
        state.points = ["start": "c0ffee"]
        state.pointOrder = ["start"]
        state.failure = RunState.Failure(site: .checkpoint(point: "a"), error: "disk full", log: "logs/x.log")
        state.stuckAt = key
        state.restored = true
        state.restoredTo = "start"
        state.lastCommit = "c0ffee"
        state.rollbackTarget = "start"
        state.rolledBackTo = "a"
        state.unwindPending = true
        state.actionsSinceLastCommit = [key]
        state.pauseNote = "SIGTERM"
        state.ignoredLines = 1
        state.lastSeq = 99
        state.gates = [key: RunState.GateRecord(decision: "BLOCK", criteria: ["tests": "fail"], summary: "1 failed", report: "gates/a.json", time: "t")]
        var approval = RunState.ApprovalRecord(message: "ship?", requestedTime: "t1", deadline: "t2")
        approval.decision = "approved"
        approval.by = "cy"
        approval.comment = "ok"
        approval.decidedTime = "t3"
        approval.note = "by rehearsal"
        approval.settled = true
        state.approvals = [key: approval]
        state.warnings = ["webhook down"]
        state.lockReleases = [RunState.LockRelease(lock: "l", by: "dee", time: "t4", note: "stale")]
        state.waitingApproval = key
        state.openProcesses = [
            RunState.OpenProcess(
                step: key, action: .compensate, attempt: 2, identity: ProcessGroupIdentity(group: -7, startTime: 123),
                startedTime: "t5", log: "logs/p.log", machine: "m1")
        ]
        state.captures.failures = ["a": ["db": "timeout"]]
        state.captures.lastVerification = CaptureRecord.Verification(
            point: "start", results: ["db": "differs"], diff: "-a\n+b", strictFailure: "db differs")
        state.captures.drifted = ["db"]
        return state
    }

    /// The names of the stored fields of `value` that are as in `blank`: a field added to a type
    /// and not set above shows up here, and must be written by `code(_:)` too.
    static func unsetFields<Value>(_ value: Value, _ blank: Value) -> [String] {
        zip(Mirror(reflecting: value).children, Mirror(reflecting: blank).children).compactMap { set, unset in
            guard let label = set.label, label != "index" else { return nil }
            return String(describing: set.value) == String(describing: unset.value) ? label : nil
        }
    }

    @Test func everyFieldSurvivesTheBytes() throws {
        let state = Self.everyFieldSet()
        let step = state.phases[0].steps[0]
        let approval = try #require(state.approvals.values.first)
        let process = try #require(state.openProcesses.first)
        let verification = try #require(state.captures.lastVerification)
        let gate = try #require(state.gates.values.first)
        let failure = try #require(state.failure)
        #expect(Self.unsetFields(state, RunState.blank) == [])
        #expect(Self.unsetFields(step, RunState.StepState.blank) == [])
        #expect(Self.unsetFields(state.phases[0], RunState.PhaseState.blank) == [])
        #expect(Self.unsetFields(approval, RunState.ApprovalRecord.blank) == [])
        #expect(Self.unsetFields(process, RunState.OpenProcess.blank) == [])
        #expect(Self.unsetFields(verification, CaptureRecord.Verification.blank) == [])
        #expect(Self.unsetFields(gate, RunState.GateRecord.blank) == [])
        #expect(Self.unsetFields(failure, RunState.Failure.blank) == [])
        #expect(Self.unsetFields(state.lockReleases[0], RunState.LockRelease.blank) == [])
        #expect(Self.unsetFields(state.captures, CaptureRecord.blank) == [])

        for original in [state, RunState()] {
            var writer = StateCoder()
            var copy = original
            copy.code(&writer)
            var reader = StateCoder(reading: writer.bytes)
            var read = RunState.blank
            read.code(&reader)
            #expect(!reader.failed && reader.isAtEnd)
            #expect(read == original)
        }
        for site in [RunState.Failure.Site.step(RunState.StepKey(phase: "p", step: "s")), .checkpoint(point: "p"), .journal] {
            var writer = StateCoder()
            var copy = site
            copy.code(&writer)
            var reader = StateCoder(reading: writer.bytes)
            var read = RunState.Failure.Site.blank
            read.code(&reader)
            #expect(read == site && reader.isAtEnd)
        }
    }

    /// Bytes cut short or changed never trap the reader: it fails, or reads some other state
    /// (which the cache's own checksum then refuses).
    @Test func damagedBytesNeverTrapTheReader() {
        var writer = StateCoder()
        var state = Self.everyFieldSet()
        state.code(&writer)
        let bytes = writer.bytes
        for length in 0..<bytes.count {
            var reader = StateCoder(reading: Array(bytes[..<length]))
            var read = RunState.blank
            read.code(&reader)
            #expect(reader.failed || !reader.isAtEnd || read != state)
        }
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<2_000 {
            var damaged = bytes
            damaged[Int.random(in: 0..<damaged.count, using: &generator)] = UInt8.random(in: 0...255, using: &generator)
            var reader = StateCoder(reading: damaged)
            var read = RunState.blank
            read.code(&reader)
        }
    }

    // MARK: Against a journal

    /// A journal of `steps` steps run one after another, four events each: over 1 MiB from about
    /// 1,300 steps.
    static func longRun(steps: Int) -> [JournalEvent] {
        var started = JournalEvent(event: .runStarted)
        started.run = "long"
        started.playbook = "fleet"
        started.plan = [JournalEvent.PlannedPhase(id: "p", steps: (0..<steps).map { "s\($0)" })]
        var events = [started]
        for index in 0..<steps {
            func event(_ kind: JournalEvent.Kind) -> JournalEvent {
                var event = JournalEvent(event: kind)
                event.run = "long"
                event.phase = "p"
                event.step = "s\(index)"
                return event
            }
            var begin = event(.stepStarted)
            begin.action = .run
            begin.attempt = 1
            begin.log = ".belay/runs/long/logs/p.s\(index).run.1.log"
            var process = event(.processStarted)
            process.action = .run
            process.attempt = 1
            process.processGroup = 4_100 + Int32(index)
            process.machine = "0f3c9a7e5b2d4c81a6e9f0b7c3d5e2a1"
            var finished = event(.attemptFinished)
            finished.action = .run
            finished.attempt = 1
            finished.exitCode = 0
            finished.log = begin.log
            var succeeded = event(.stepSucceeded)
            succeeded.durationMs = 2
            events += [begin, process, finished, succeeded]
        }
        return events
    }

    struct Journal {
        let directory: TemporaryDirectory
        let store: LocalRunJournal
        let file: URL
        let cache: URL

        init(steps: Int) throws {
            directory = try TemporaryDirectory()
            store = LocalRunJournal(workspace: directory.url)
            try store.appender(run: "long", creating: true, lastSeq: 0).append(FoldCacheTests.longRun(steps: steps))
            file = RunFolder(workspace: directory.url, runID: "long").journal
            cache = RunFolder(workspace: directory.url, runID: "long").foldCache
        }

        /// The state from the cache path, and the state folded whole without it.
        func states() throws -> (cached: RunState, whole: RunState) {
            (try store.state(of: "long"), try JournalReader.fold(file))
        }

        /// Marks the cached state, so a fold that started from it shows it.
        func markCache() throws {
            var entry = try #require(FoldCache.read(cache))
            entry.state.warnings.append("from the cache")
            FoldCache.write(entry, to: cache)
        }
    }

    @Test func aLongJournalIsFoldedOnceThenReadFromItsCache() throws {
        let journal = try Journal(steps: 1_400)
        #expect(!FileManager.default.fileExists(atPath: journal.cache.path))
        let (first, whole) = try journal.states()
        #expect(first == whole)
        let entry = try #require(FoldCache.read(journal.cache))
        #expect(entry.journalBytes == Int(try FileManager.default.attributesOfItem(atPath: journal.file.path)[.size] as! UInt64))
        #expect(entry.lastSeq == whole.lastSeq && entry.lines == whole.lastSeq)

        try journal.markCache()
        let cached = try journal.store.state(of: "long")
        #expect(cached.warnings == ["from the cache"])
        #expect(RunState.withoutWarnings(cached) == whole)

        // Lines appended after the cache are folded on top of it, numbered on from it.
        try journal.store.appender(run: "long", creating: false, lastSeq: whole.lastSeq).append([JournalEvent(event: .runCompleted)])
        let grown = try journal.store.state(of: "long")
        #expect(grown.warnings == ["from the cache"])
        #expect(grown.status == .completed && grown.lastSeq == whole.lastSeq + 1)
        #expect(RunState.withoutWarnings(grown) == (try JournalReader.fold(journal.file)))
    }

    @Test func aCacheIsIgnoredWhenTheJournalsBytesChanged() throws {
        let journal = try Journal(steps: 1_400)
        _ = try journal.states()
        try journal.markCache()
        var bytes = try Data(contentsOf: journal.file)
        let original = bytes

        // The same length, one step's name changed: its line no longer matches its checksum, and
        // the whole fold reports it even though a cache covers the line.
        let line = 700
        let lineStart = bytes.indices.filter { bytes[$0] == 0x0A }[line - 2] + 1
        let name = try #require(bytes[lineStart...].firstRange(of: Data(#""step":"s"#.utf8)))
        bytes[name.upperBound] = bytes[name.upperBound] == UInt8(ascii: "1") ? UInt8(ascii: "2") : UInt8(ascii: "1")
        try bytes.write(to: journal.file)
        #expect(throws: EngineError.self) { try journal.store.state(of: "long") }
        do {
            _ = try journal.store.state(of: "long")
        } catch {
            guard case .journalDamaged(_, let damagedLine, .checksumMismatch) = error.problem else {
                Issue.record("expected a checksum mismatch, got \(error)")
                return
            }
            #expect(damagedLine == line)
        }

        // Cut shorter than the cache: folded whole.
        try original.prefix(original.count / 2).write(to: journal.file)
        let cut = try journal.store.state(of: "long")
        #expect(cut.warnings.isEmpty)

        // Whole again, but the cache written by another build: folded whole.
        try original.write(to: journal.file)
        _ = try journal.states()
        try journal.markCache()
        var stored = try Data(contentsOf: journal.cache)
        let build = try #require(stored.firstRange(of: Data(FoldCache.build.utf8)))
        stored[build.lowerBound + 6] ^= 0x01
        try stored.write(to: journal.cache)
        #expect(FoldCache.read(journal.cache) == nil)
        #expect(try journal.store.state(of: "long").warnings.isEmpty)
    }

    /// A FIFO where the cache goes is never waited on (a read that opened it plainly would wait
    /// for a writer forever): it is passed over, and replaced by a cache.
    @Test func aCacheThatIsNotAFileIsNeverWaitedOn() throws {
        let journal = try Journal(steps: 1_400)
        #expect(mkfifo(journal.cache.path, 0o600) == 0)
        let (cached, whole) = try journal.states()
        #expect(cached == whole)
        #expect(FoldCache.read(journal.cache) != nil)
    }

    @Test func aShortJournalGetsNoCache() throws {
        let journal = try Journal(steps: 50)
        let (cached, whole) = try journal.states()
        #expect(cached == whole)
        #expect(!FileManager.default.fileExists(atPath: journal.cache.path))
    }
}

extension RunState {
    static func withoutWarnings(_ state: RunState) -> RunState {
        var state = state
        state.warnings = []
        return state
    }
}
