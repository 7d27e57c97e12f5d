import ArgumentParser
import Belay
import BelayPostgres
import Foundation

/// `belay lock`: the environment locks of a shared store.
struct LockCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lock",
        abstract: "Show or free the environment locks of a shared store (docs/store.md).",
        subcommands: [LockStatusCommand.self, LockReleaseCommand.self])
}

/// The store named by `--store` or `BELAY_STORE`, for commands that need one.
struct SharedStoreOption: ParsableArguments {
    @Option(help: ArgumentHelp("The shared store (postgres://…; default: BELAY_STORE).", valueName: "url"))
    var store: String?

    func open() throws -> PostgresStore {
        let choice = StoreChoice(flag: store)
        guard choice.url != nil else {
            Terminal.printError("belay: locks with leases live in a shared store; name it with --store postgres://… or BELAY_STORE")
            throw ExitCode(2)
        }
        let cwd = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
        guard let shared = try choice.open(workspace: cwd, lock: cwd.path).shared else { throw ExitCode(2) }
        return shared
    }
}

struct LockStatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Each lock: its holder, since when, its lease's expiry, its epoch and who waits.")

    @Argument(help: ArgumentHelp("Only this lock.", valueName: "name"))
    var name: String?

    @OptionGroup var store: SharedStoreOption

    func run() throws {
        let statuses: [PostgresRunLocks.Status]
        do { statuses = try store.open().locks.statuses(named: name) } catch { throw OperateExit.fail(error) }
        if statuses.isEmpty {
            Terminal.print(name.map { "No lock named \($0) in the store." } ?? "No locks in the store.")
            return
        }
        for status in statuses {
            var line = "\(status.name)  epoch \(status.epoch)  "
            if let holder = status.holder {
                line += "held by \(holder); lease until \(status.expires ?? "?")"
                if status.lapsed { line += " (lapsed: the next run takes it over)" }
            } else {
                line += "free"
            }
            Terminal.print(line)
            for (place, waiter) in status.queue.enumerated() {
                Terminal.print("  \(place + 1). run \(waiter.run) (pid \(waiter.pid) on \(waiter.host)) waits")
            }
        }
    }
}

struct LockReleaseCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "release",
        abstract: "Free a lock whoever holds it; its holder can write nothing more. Logged with your note.",
        discussion: """
            For a holder that will not come back (its machine is gone) when waiting for its lease to \
            lapse is not an option. The lock's epoch goes up, so the old holder's next journal append \
            is refused. Its run stays as it was: `belay resume` or `belay rollback` it from here.

            Example:
              belay lock release prod-db --force --note "ci-7 was decommissioned mid-deploy"
            """)

    @Argument(help: ArgumentHelp("The lock's name (see `belay lock status`).", valueName: "name"))
    var name: String

    @Flag(help: "Required: confirms taking the lock away from its holder.")
    var force = false

    @Option(help: ArgumentHelp("Why (logged with the release).", valueName: "text"))
    var note: String?

    @OptionGroup var store: SharedStoreOption

    func run() throws {
        guard force, let note, !note.trimmingCharacters(in: .whitespaces).isEmpty else {
            Terminal.printError("belay: releasing a lock someone holds needs --force and --note \"why\" (logged in the store)")
            throw ExitCode(2)
        }
        let who = ProcessInfo.processInfo.environment["USER"].map { "\($0)@\(ProcessInfo.processInfo.hostName)" }
            ?? ProcessInfo.processInfo.hostName
        let released: LockHolder??
        do { released = try store.open().locks.forceRelease(name, note: note, by: who) } catch { throw OperateExit.fail(error) }
        switch released {
        case nil:
            Terminal.printError("belay: no lock named \(name) in the store (see `belay lock status`)")
            throw ExitCode(2)
        case .some(nil):
            Terminal.print("The lock \(name) was free; its epoch went up all the same (logged).")
        case .some(let holder?):
            Terminal.print("Released the lock \(name), held by \(holder); it can write nothing more (logged).")
            Terminal.print("Next: belay resume \(holder.run) --store … (or belay rollback \(holder.run))")
        }
    }
}
