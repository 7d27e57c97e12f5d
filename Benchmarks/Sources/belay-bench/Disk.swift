import Foundation

/// `belay-bench disk --dir D [--count N]`: what the file system under `D` charges for the writes a
/// step and a rollback point cannot do without, each timed `count` times in a row (best of three
/// rounds, in microseconds an operation):
/// - a journal line: 300 bytes appended, then fdatasync;
/// - an attempt's log: one empty file created;
/// - a step: both, the log first, as a step does them (the sync then carries the new file's
///   metadata too);
/// - a folder created (a loose object's fan-out folder, a run's folders);
/// - a reference moved: a lock file written, fsync'd, renamed over the reference, its folder fsync'd.
/// A bash loop pays none of these, so they are the floor under Belay's cost beside it.
func diskBenchmark(_ arguments: [String]) throws {
    var directory: String?
    var count = 200
    var iterator = arguments.makeIterator()
    while let argument = iterator.next() {
        switch argument {
        case "--dir": directory = iterator.next()
        case "--count": count = iterator.next().flatMap(Int.init) ?? count
        default: fail("unknown option \(argument); use --dir D, --count N")
        }
    }
    guard let directory else { fail("disk needs --dir D") }

    func best(_ operation: (String, Int) throws -> Void) rethrows -> Double {
        var rounds: [Double] = []
        for round in 0..<3 {
            let folder = directory + "/disk-\(UUID().uuidString)"
            mkdir(folder, 0o700)
            defer { try? FileManager.default.removeItem(atPath: folder) }
            let start = ContinuousClock.now
            for index in 0..<count { try operation(folder, index) }
            rounds.append(milliseconds(ContinuousClock.now - start) * 1000 / Double(count))
            _ = round
        }
        return rounds.min() ?? 0
    }

    let line = [UInt8](repeating: UInt8(ascii: "x"), count: 299) + [0x0A]
    var journal: Int32 = -1
    let append = best { folder, index in
        if index == 0 { journal = open(folder + "/journal", O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o600) }
        _ = line.withUnsafeBytes { write(journal, $0.baseAddress, $0.count) }
        fdatasync(journal)
        if index == count - 1 { close(journal) }
    }
    let create = best { folder, index in
        close(open(folder + "/log.\(index)", O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600))
    }
    let step = best { folder, index in
        if index == 0 { journal = open(folder + "/journal", O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o600) }
        close(open(folder + "/log.\(index)", O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600))
        _ = line.withUnsafeBytes { write(journal, $0.baseAddress, $0.count) }
        fdatasync(journal)
        if index == count - 1 { close(journal) }
    }
    let folder = best { folder, index in mkdir(folder + "/d\(index)", 0o755) }
    let reference = best { folder, index in
        let lock = folder + "/ref.lock"
        let fd = open(lock, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        _ = line.withUnsafeBytes { write(fd, $0.baseAddress, 41) }
        fsync(fd)
        close(fd)
        rename(lock, folder + "/ref")
        let parent = open(folder, O_RDONLY | O_CLOEXEC)
        fsync(parent)
        close(parent)
    }
    print(String(format: "disk: journal line %.0f µs, log file %.0f µs, both (a step) %.0f µs, folder %.0f µs, reference %.0f µs (best of 3 × %d)",
                 append, create, step, folder, reference, count))
    print(String(format: "DISK_APPEND_US=%.0f", append))
    print(String(format: "DISK_CREATE_US=%.0f", create))
    print(String(format: "DISK_STEP_US=%.0f", step))
    print(String(format: "DISK_FOLDER_US=%.0f", folder))
    print(String(format: "DISK_REFERENCE_US=%.0f", reference))
}
