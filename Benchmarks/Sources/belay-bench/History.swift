import Belay
import Foundation

/// `belay-bench history --steps N --runs N --belay PATH`: a synthetic run of N steps (the events a
/// real run journals for each: started, process, attempt finished, succeeded; a rollback point per
/// phase of 100 steps) and N small runs beside it. Times the fold in this process (events/s) against
/// Python's `json.loads` of the same lines, then `belay status`, `log`, `inspect` and `runs`.
struct HistoryOptions {
    var steps = 10_000
    var runs = 1_000
    var rounds = 5
    var belay: String?
    /// Where to build the workspace and leave it (for profiling); a temporary folder otherwise.
    var keep: String?

    init(_ arguments: [String]) {
        var iterator = arguments.makeIterator()
        while let argument = iterator.next() {
            let value = iterator.next()
            switch argument {
            case "--steps": steps = value.flatMap(Int.init) ?? steps
            case "--runs": runs = value.flatMap(Int.init) ?? runs
            case "--rounds": rounds = value.flatMap(Int.init) ?? rounds
            case "--belay": belay = value
            case "--keep": keep = value
            default: fail("unknown option \(argument); use --steps N, --runs N, --rounds N, --belay PATH, --keep DIR")
            }
        }
    }
}

func syntheticRun(id: String, steps: Int, phaseSize: Int = 100) -> [JournalEvent] {
    let phases = (steps + phaseSize - 1) / phaseSize
    var events: [JournalEvent] = []
    var started = JournalEvent(event: .runStarted)
    started.run = id
    started.playbook = "bench"
    started.workspace = "/srv/bench"
    started.by = "bench"
    started.vars = ["version": "1.4.2", "target": "fleet"]
    started.shown = ["version"]
    started.plan = (0..<phases).map { phase in
        JournalEvent.PlannedPhase(id: "p\(phase)", steps: (0..<min(phaseSize, steps - phase * phaseSize)).map { "s\($0)" })
    }
    events.append(started)
    func event(_ kind: JournalEvent.Kind, _ phase: String?, _ step: String? = nil) -> JournalEvent {
        var event = JournalEvent(event: kind)
        event.run = id
        event.phase = phase
        event.step = step
        return event
    }
    var point = event(.checkpointRecorded, "start")
    point.point = "start"
    point.commit = String(repeating: "a", count: 40)
    point.tree = String(repeating: "b", count: 40)
    events.append(point)
    for phase in started.plan ?? [] {
        events.append(event(.phaseStarted, phase.id))
        for step in phase.steps {
            var begin = event(.stepStarted, phase.id, step)
            begin.action = .run
            begin.attempt = 1
            begin.log = ".belay/runs/\(id)/logs/\(phase.id).\(step).run.1.log"
            var process = event(.processStarted, phase.id, step)
            process.action = .run
            process.attempt = 1
            process.processGroup = 41_000
            process.processStart = 123_456_789
            process.machine = "0f3c9a7e5b2d4c81a6e9f0b7c3d5e2a1"
            var finished = event(.attemptFinished, phase.id, step)
            finished.action = .run
            finished.attempt = 1
            finished.exitCode = 0
            finished.durationMs = 2
            finished.log = begin.log
            var succeeded = event(.stepSucceeded, phase.id, step)
            succeeded.durationMs = 2
            events += [begin, process, finished, succeeded]
        }
        var recorded = event(.checkpointRecorded, phase.id)
        recorded.point = phase.id
        recorded.commit = String(repeating: "c", count: 40)
        recorded.tree = String(repeating: "d", count: 40)
        events += [recorded, event(.phaseCompleted, phase.id)]
    }
    events.append(event(.runCompleted, nil))
    return events
}

func historyBenchmark(_ options: HistoryOptions) throws {
    let base = options.keep.map { URL(fileURLWithPath: $0) }
        ?? FileManager.default.temporaryDirectory.appendingPathComponent("belay-bench-history-\(UUID().uuidString)")
    defer { if options.keep == nil { try? FileManager.default.removeItem(at: base) } }
    let workspace = base.appendingPathComponent("ws")
    try FileManager.default.createDirectory(at: workspace, withIntermediateDirectories: true)
    let journal = LocalRunJournal(workspace: workspace)
    for run in 0..<options.runs {
        try journal.appender(run: String(format: "small-%04d", run), creating: true, lastSeq: 0)
            .append(syntheticRun(id: String(format: "small-%04d", run), steps: 3))
    }
    try journal.appender(run: "big", creating: true, lastSeq: 0).append(syntheticRun(id: "big", steps: options.steps))
    let file = RunFolder(workspace: workspace, runID: "big").journal
    try restampTimes(file)

    let clock = ContinuousClock()
    var count = 0
    // The fold itself: every line read, checked and folded, no cache.
    let fold = Timing(try (0..<options.rounds).map { _ in
        milliseconds(try clock.measure { count = try JournalReader.fold(file).lastSeq })
    })
    let python = try pythonParse(file, rounds: options.rounds)
    // What a run's end leaves (`belay run` refreshes the run's summary, which keeps its fold cache).
    try RunSummaries(workspace: workspace).refresh("big")
    let cached = Timing(try (0..<options.rounds).map { _ in
        milliseconds(try clock.measure { _ = try journal.state(of: "big") })
    })
    print("history: a run of \(options.steps) steps (\(count) events) and \(options.runs) runs of 3 steps (\(options.rounds) rounds)")
    print("  fold (read, check, decode, fold)  \(fold.line(events: count))")
    print("  python3 json.loads of each line    \(python.line(events: count))")
    print("  from the fold cache (read, check)  \(cached.line(events: nil))")
    print("FOLD_EVENTS_PER_SECOND=\(fold.perSecond(count))")
    print("PYTHON_EVENTS_PER_SECOND=\(python.perSecond(count))")
    guard let belay = options.belay else { return }
    let cache = RunFolder(workspace: workspace, runID: "big").foldCache
    let commands: [(name: String, arguments: [String], uncached: Bool)] = [
        ("status", ["status", "big"], false), ("log", ["log", "big"], false), ("inspect", ["inspect", "big", "p50"], false),
        ("runs", ["runs"], false), ("status", ["status", "big"], true),
    ]
    for command in commands {
        let arguments = command.arguments + ["--workspace", workspace.path]
        _ = try timeCommand(belay, arguments)  // warms the page cache and the summaries
        let times = Timing(try (0..<options.rounds).map { _ in
            // Without the cache: as the first reader of a journal an older Belay wrote.
            if command.uncached { try? FileManager.default.removeItem(at: cache) }
            return try timeCommand(belay, arguments)
        })
        let label = command.uncached ? "\(command.name), no cache" : command.name
        print("  belay \(label.padding(toLength: 25, withPad: " ", startingAt: 0))  \(times.line(events: nil))")
        if !command.uncached { print("COMMAND_MS_\(command.name.uppercased())=\(String(format: "%.1f", times.best))") }
    }
}

/// Gives each line of a journal its own time, a millisecond after the line before, and seals the
/// line again. One append stamps all its events with one time, which a real run's events do not
/// share: a fold that reads repeated values faster must not be timed on repeats a run never writes.
func restampTimes(_ file: URL) throws {
    let lines = try String(contentsOf: file, encoding: .utf8).split(separator: "\n")
    let start = Date()
    var out = ""
    for (index, line) in lines.enumerated() {
        guard let time = line.range(of: #""time":""#), let crc = line.range(of: #","crc":""#) else {
            fail("journal line without time or checksum: \(line)")
        }
        let stamp = JournalClock.format(start.addingTimeInterval(Double(index) / 1000))
        let timeEnd = line.index(time.upperBound, offsetBy: stamp.utf8.count)
        let object = line[..<time.upperBound] + stamp + line[timeEnd..<crc.lowerBound] + "}"
        out += object.dropLast() + #","crc":""# + String(format: "%08x", crc32c(Array(object.utf8))) + "\"}\n"
    }
    try out.write(to: file, atomically: true, encoding: .utf8)
}

/// CRC-32C (Castagnoli), a byte at a time: what seals a journal line (docs/state.md).
func crc32c(_ bytes: [UInt8]) -> UInt32 {
    var crc: UInt32 = 0xFFFF_FFFF
    for byte in bytes {
        crc ^= UInt32(byte)
        for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0x82F6_3B78 : crc >> 1 }
    }
    return ~crc
}

/// Runs a command with `posix_spawn` and `waitpid`, output to /dev/null, and times it. Foundation's
/// `Process` was measured adding 20-30 ms to each run (its wait polls a run loop), more than some
/// of the commands timed here take.
func timeCommand(_ executable: String, _ arguments: [String]) throws -> Double {
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
    posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
    let argv = ([executable] + arguments).map { strdup($0) } + [nil]
    defer { argv.forEach { free($0) } }
    var pid: pid_t = 0
    var status: Int32 = 0
    let clock = ContinuousClock()
    let elapsed = clock.measure {
        guard posix_spawn(&pid, executable, &actions, nil, argv, environ) == 0 else { return }
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
    }
    guard pid > 0 else { fail("cannot run \(executable)") }
    if status != 0 { fail("`belay \(arguments.joined(separator: " "))` exited with status \(status)") }
    return milliseconds(elapsed)
}

/// The same lines parsed by Python's json module: a reference for "reading JSON lines" speed.
func pythonParse(_ file: URL, rounds: Int) throws -> Timing {
    let script = """
        import json, sys, time
        for _ in range(\(rounds)):
            start = time.perf_counter()
            with open(sys.argv[1], 'rb') as f:
                events = [json.loads(line) for line in f]
            print((time.perf_counter() - start) * 1000)
        """
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["python3", "-c", script, file.path]
    let pipe = Pipe()
    process.standardOutput = pipe
    try process.run()
    let output = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    let times = String(decoding: output, as: UTF8.self).split(separator: "\n").compactMap { Double($0) }
    guard times.count == rounds else { fail("python3 did not report its times") }
    return Timing(times)
}
