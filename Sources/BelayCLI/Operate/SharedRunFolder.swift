import Belay
import BelayPostgres
import Foundation

/// A run started on another machine has no folder here: its playbook snapshot comes from the shared
/// store, and its logs go to a new folder.
enum SharedRunFolder {
    static func fill(_ folder: RunFolder, from store: PostgresStore?) throws {
        guard let store, !FileManager.default.fileExists(atPath: folder.playbook.path) else { return }
        do {
            try FileManager.default.createDirectory(at: folder.logs, withIntermediateDirectories: true)
            try FileManager.default.createDirectory(
                at: folder.url.appendingPathComponent("tmp"), withIntermediateDirectories: true)
            if let source = try store.snapshot(run: folder.runID) { try Data(source.utf8).write(to: folder.playbook) }
        } catch {
            throw OperateExit.fail(error)
        }
    }
}
