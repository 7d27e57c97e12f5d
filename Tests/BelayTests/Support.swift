import Foundation
import Synchronization
import BelayGit
@testable import Belay

/// A unique temporary folder, removed when the test is done with it.
final class TemporaryDirectory: Sendable {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("belay-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: url) }

    func file(_ name: String) -> URL { url.appendingPathComponent(name) }
}

/// Rollback points kept in memory: records which points were taken and which restores happened.
final class InMemoryPoints: RollbackPoints {
    struct Recorded: Sendable, Hashable {
        var run: String
        var event: String
        var phase: String
        var point: String?
    }

    private let log = Mutex<[Recorded]>([])
    private let restores = Mutex<[String]>([])

    var recorded: [Recorded] { log.withLock { $0 } }
    var restoredPoints: [String] { restores.withLock { $0 } }

    func record(
        run: String, event: String, phase: String, point: String?, summary: String?, details: [(String, String)]
    ) async throws -> RecordedPoint? {
        let count = log.withLock { log in
            log.append(Recorded(run: run, event: event, phase: phase, point: point))
            return log.count
        }
        return RecordedPoint(commit: String(format: "%040d", count), tree: String(format: "%040d", 1000 + count))
    }

    func restore(run: String, point: String, event: String) async throws -> RestoreResult {
        guard recorded.contains(where: { $0.run == run && $0.point == point }) else {
            throw EngineError(.checkpoint, .missingPoints(runID: run, names: [point]))
        }
        restores.withLock { $0.append(point) }
        guard let restored = try await record(run: run, event: event, phase: point, point: nil, summary: nil) else {
            return .nothingRecorded
        }
        return .restored(restored)
    }

    /// It keeps no files, so there is nothing to keep before a restore.
    func preserve(run: String) async throws -> PreservedWorkspace? { nil }

    func point(run: String, name: String) async throws -> RecordedPoint? {
        guard let index = recorded.firstIndex(where: { $0.run == run && $0.point == name }) else { return nil }
        return RecordedPoint(commit: String(format: "%040d", index + 1), tree: String(format: "%040d", 1001 + index))
    }

    func diff(run: String, from: String, to: String?) async throws -> [FileChange] { [] }

    func changesSinceLastCommit(run: String) async throws -> [String]? { nil }
}

/// Collects what the steps of a test did, in order.
final class Trace: Sendable {
    private let entries = Mutex<[String]>([])
    func add(_ entry: String) { entries.withLock { $0.append(entry) } }
    var all: [String] { entries.withLock { $0 } }
}

struct Boom: Error, CustomStringConvertible {
    var description: String { "boom" }
}
