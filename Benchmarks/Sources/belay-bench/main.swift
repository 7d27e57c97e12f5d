import BelayGit
import Foundation

/// Internal benchmark driver (not shipped): `belay-bench checkpoint [--files N] [--changed N] [--rounds N]
/// [--initial-only]`, `belay-bench history` (History.swift) and `belay-bench disk` (Disk.swift).
///
/// Builds a workspace of small files and an identical copy, records a rollback point, then per round
/// changes the same files in both and times `CheckpointStore.record` against
/// `git add -A && git commit -q -m x` run with the git CLI on the copy. Prints the best and median
/// rounds and the ratio of the best ones (`Timing`).

struct Options {
    var files = 20_000
    var changed = 10
    var rounds = 7
    /// Time only the first snapshot of the workspace (`git init && git add -A && git commit` for git).
    var initialOnly = false

    init(_ arguments: [String]) {
        var iterator = arguments.makeIterator()
        while let argument = iterator.next() {
            if argument == "--initial-only" {
                initialOnly = true
                continue
            }
            let value = iterator.next().flatMap(Int.init)
            switch argument {
            case "--files": files = value ?? files
            case "--changed": changed = value ?? changed
            case "--rounds": rounds = value ?? rounds
            default: fail("unknown option \(argument); use --files N, --changed N, --rounds N")
            }
        }
    }
}

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("belay-bench: \(message)\n".utf8))
    exit(2)
}

func makeWorkspace(at root: URL, files: Int) throws {
    let perDirectory = 100
    for index in 0..<files {
        let directory = root.appendingPathComponent("src/m\(index / perDirectory)")
        if index % perDirectory == 0 { try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true) }
        let body = "// file \(index)\nlet value\(index) = \(index)\n" + String(repeating: "x", count: index % 200) + "\n"
        try Data(body.utf8).write(to: directory.appendingPathComponent("f\(index).swift"))
    }
}

func changeFiles(in root: URL, round: Int, count: Int, total: Int) throws {
    for n in 0..<count {
        let index = (round * 7919 + n * 1999) % total
        let file = root.appendingPathComponent("src/m\(index / 100)/f\(index).swift")
        try Data("// round \(round) change \(n)\n".utf8).write(to: file)
    }
}

@discardableResult
func shell(_ command: String, in directory: URL) throws -> Int32 {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/bin/sh")
    process.arguments = ["-c", command]
    process.currentDirectoryURL = directory
    var environment = ProcessInfo.processInfo.environment
    for key in ["GIT_AUTHOR_NAME", "GIT_COMMITTER_NAME"] { environment[key] = "Bench" }
    for key in ["GIT_AUTHOR_EMAIL", "GIT_COMMITTER_EMAIL"] { environment[key] = "bench@localhost" }
    process.environment = environment
    try process.run()
    process.waitUntilExit()
    if process.terminationStatus != 0 { fail("`\(command)` failed in \(directory.path)") }
    return process.terminationStatus
}

func milliseconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) * 1000 + Double(duration.components.attoseconds) / 1e15
}

func median(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    return sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
}

func format(_ value: Double) -> String { String(format: "%8.1f", value) }

/// The rounds of one measurement. Other work on a shared machine only ever adds time, so the best
/// round is the figure judged (the cost of the work itself); the median is shown beside it.
struct Timing {
    var best: Double
    var median: Double

    init(_ milliseconds: [Double]) {
        best = milliseconds.min() ?? 0
        median = belay_bench.median(milliseconds)
    }

    func perSecond(_ events: Int) -> Int { Int(Double(events) / best * 1000) }

    func line(events: Int?) -> String {
        let rate = events.map { "   \(perSecond($0)) events/s (median \(Int(Double($0) / median * 1000)))" } ?? ""
        return "best \(format(best)) ms, median \(format(median)) ms\(rate)"
    }
}

func checkpointBenchmark(_ options: Options) async throws {
    let base = FileManager.default.temporaryDirectory.appendingPathComponent("belay-bench-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: base) }
    let belayRoot = base.appendingPathComponent("belay")
    let gitRoot = base.appendingPathComponent("git")
    try makeWorkspace(at: belayRoot, files: options.files)
    try makeWorkspace(at: gitRoot, files: options.files)

    let clock = ContinuousClock()
    let store = try CheckpointStore(workspace: belayRoot)
    let initialBelay = try await clock.measure {
        _ = try await store.record(run: "bench", event: "start", phase: "start", point: "start")
    }
    let initialGit = try clock.measure {
        try shell("git init -q && git add -A && git commit -q -m start", in: gitRoot)
    }
    if options.initialOnly {
        let ratio = milliseconds(initialBelay) / milliseconds(initialGit)
        print("initial snapshot: \(options.files) files (ms)")
        print("  belay \(format(milliseconds(initialBelay)))   git init && git add -A && git commit \(format(milliseconds(initialGit)))   ratio \(String(format: "%.2f", ratio))")
        print("INITIAL_RATIO=\(String(format: "%.2f", ratio))")
        return
    }

    var belay: [Double] = [], git: [Double] = [], belayCold: [Double] = []
    for round in 1...options.rounds {
        try changeFiles(in: belayRoot, round: round, count: options.changed, total: options.files)
        try changeFiles(in: gitRoot, round: round, count: options.changed, total: options.files)
        // Alternate who goes first, so neither always gets the warmer cache.
        let measureBelay = {
            belay.append(milliseconds(try await clock.measure {
                _ = try await store.record(run: "bench", event: "phase_completed", phase: "p\(round)", point: "p\(round)")
            }))
        }
        let measureGit = {
            git.append(milliseconds(try clock.measure { try shell("git add -A && git commit -q -m x", in: gitRoot) }))
        }
        if round % 2 == 0 { try await measureBelay(); try measureGit() } else { try measureGit(); try await measureBelay() }

        // The same, opening the store first (what a fresh `belay` process pays).
        try changeFiles(in: belayRoot, round: round + 1000, count: options.changed, total: options.files)
        belayCold.append(milliseconds(try await clock.measure {
            let fresh = try CheckpointStore(workspace: belayRoot)
            _ = try await fresh.record(run: "bench", event: "phase_completed", phase: "c\(round)", point: nil)
        }))
    }

    let belayTiming = Timing(belay), gitTiming = Timing(git), coldTiming = Timing(belayCold)
    func ratio(_ timing: Timing) -> String { String(format: "%.2f", timing.best / gitTiming.best) }
    func medianRatio(_ timing: Timing) -> String { String(format: "%.2f", timing.median / gitTiming.median) }
    print("checkpoint: \(options.files) files, \(options.changed) changed per round, \(options.rounds) rounds (ms)")
    print("  initial snapshot          belay \(format(milliseconds(initialBelay)))   git \(format(milliseconds(initialGit)))")
    print("  record (open store)       belay \(belayTiming.line(events: nil))")
    print("  git add -A && git commit        \(gitTiming.line(events: nil))")
    print("  ratio                     \(ratio(belayTiming)) of the best rounds, \(medianRatio(belayTiming)) of the medians")
    print("  record (fresh store)      belay \(coldTiming.line(events: nil)), ratio \(ratio(coldTiming))")
    print("  belay rounds: \(belay.map { String(format: "%.1f", $0) }.joined(separator: " "))")
    print("  git rounds:   \(git.map { String(format: "%.1f", $0) }.joined(separator: " "))")
    print("CHECKPOINT_RATIO=\(ratio(belayTiming))")
    print("CHECKPOINT_COLD_RATIO=\(ratio(coldTiming))")
}

let arguments = Array(CommandLine.arguments.dropFirst())
switch arguments.first {
case "checkpoint":
    try await checkpointBenchmark(Options(Array(arguments.dropFirst())))
case "history":
    try historyBenchmark(HistoryOptions(Array(arguments.dropFirst())))
case "disk":
    try diskBenchmark(Array(arguments.dropFirst()))
default:
    fail("usage: belay-bench checkpoint [--files N] [--changed N] [--rounds N] [--initial-only] | history [--steps N] [--runs N] [--belay PATH] | disk --dir D [--count N]")
}
