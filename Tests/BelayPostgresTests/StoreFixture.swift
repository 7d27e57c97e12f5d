import Belay
@testable import BelayPostgres
import Foundation
import TestSupport

/// A database of the suite's PostgreSQL server and workspaces that stand in for separate machines,
/// each with the store opened on it.
final class StoreFixture: @unchecked Sendable {
    let server: PostgresServer
    let database: String
    let url: String
    let root: URL

    init(lease: String = "30s") throws {
        server = try PostgresServer.suite()
        database = try server.createDatabase()
        url = server.url(database: database) + "?lease=\(lease)"
        root = FileManager.default.temporaryDirectory.appendingPathComponent("belay-pgtests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: root) }

    /// The store opened on the workspace `name` (created empty when new); runs not recorded yet lock `lock`.
    func open(_ name: String, lock: String = "env") throws -> PostgresStore {
        try PostgresStore.open(url, workspace: workspace(name), lock: lock)
    }

    func workspace(_ name: String) throws -> URL {
        let folder = root.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder
    }

    @discardableResult
    func psql(_ sql: String) throws -> String { try server.psql(sql, database: database) }
}

/// A journal event of `run` of the given kind.
func event(_ kind: JournalEvent.Kind, run: String = "r1", step: String? = nil) -> JournalEvent {
    var event = JournalEvent(event: kind)
    event.run = run
    if let step {
        event.phase = "one"
        event.step = step
    }
    return event
}
