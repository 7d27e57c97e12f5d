import ArgumentParser
import Belay
import BelayPostgres
import Foundation

/// Where runs are kept: the workspace's `.belay/` folder, or a shared PostgreSQL store named by
/// `--store`, else `BELAY_STORE`, else the playbook's `store:` (docs/store.md).
struct StoreChoice {
    /// The store's URL; nil for the workspace's `.belay/`.
    let url: String?
    /// Where the URL came from, for messages.
    let origin: String

    init(flag: String?, playbook: String? = nil, playbookPath: String? = nil) {
        let environment = ProcessInfo.processInfo.environment["BELAY_STORE"].flatMap { $0.isEmpty ? nil : $0 }
        if let flag, !flag.isEmpty {
            url = flag
            origin = "--store"
        } else if let environment {
            url = environment
            origin = "BELAY_STORE"
        } else if let playbook {
            url = playbook
            origin = "`store:` in \(playbookPath ?? "the playbook")"
        } else {
            url = nil
            origin = ""
        }
    }

    /// An engine on the chosen store, and the shared store when there is one. New runs lock `lock`.
    /// Exits 2 with the reason when the store is unusable: nothing has started.
    /// - Parameter reading: the command only reads runs: the workspace's git repository is opened
    ///   when first needed, if ever.
    func open(workspace: URL, lock: String, reading: Bool = false) throws -> (engine: Engine, shared: PostgresStore?) {
        guard let url else { return (try engine(workspace, reading: reading), nil) }
        do {
            let store = try PostgresStore.open(url, workspace: workspace, lock: lock)
            return (Engine(workspace: workspace, stores: store.stores), store)
        } catch {
            Terminal.printError("belay: \(EngineErrorText.text(for: error)) (store from \(origin)); nothing was started")
            throw ExitCode(2)
        }
    }

    /// The chosen store's locks, when a store is chosen (exits 2 when it is unusable).
    func openLocks(lock: String) throws -> PostgresRunLocks? {
        guard let url else { return nil }
        do { return try PostgresStore.locks(url, lock: lock) } catch {
            Terminal.printError("belay: \(EngineErrorText.text(for: error)) (store from \(origin)); nothing was started")
            throw ExitCode(2)
        }
    }

    private func engine(_ workspace: URL, reading: Bool) throws -> Engine {
        do {
            return try Engine(workspace: workspace, points: reading ? GitRollbackPoints.openingOnFirstUse(workspace: workspace) : nil)
        } catch { throw OperateExit.fail(error) }
    }

    /// The lock a playbook's runs take when it names none: its name and workspace.
    static func defaultLock(playbook: String, workspace: URL) -> String { "\(playbook)@\(workspace.path)" }
}
