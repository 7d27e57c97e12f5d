// provision-saga: a saga written in Swift that provisions an app on this machine, and undoes it all
// when a step fails.
//
//   swift run provision-saga --root /tmp/machine                      # provisions "shop"
//   swift run provision-saga --root /tmp/machine --fail-at register   # fails, then compensates
//
// Four steps in two phases, each an async closure whose return value (journaled as JSON) is what its
// compensation receives: the folders it created, the config file it wrote, the id of the service it
// registered, the link it enabled. Everything is made under --root, outside Belay's workspace
// (<root>/state), so after a failure only the compensations clean up.
import Belay
import Foundation

// MARK: - What each step returns, and its compensation receives

struct CreatedFolders: Codable, Sendable { var paths: [String] }
struct WrittenConfig: Codable, Sendable { var path: String }
struct Registration: Codable, Sendable { var serviceID: String; var file: String }
struct EnabledLink: Codable, Sendable { var link: String }

/// Why a step failed, in words (the engine journals and prints `description`).
struct ProvisionError: Error, CustomStringConvertible {
    var description: String

    static func injected(_ step: String) -> Self {
        Self(description: "failing on purpose after '\(step)' did its work (--fail-at \(step))")
    }
}

// MARK: - The machine being provisioned

/// The folder standing in for a machine: `srv/`, `etc/`, a service `registry/` and the `enabled/` links.
struct Machine: Sendable {
    let root: URL
    var files: FileManager { .default }

    func url(_ relative: String) -> URL { root.appendingPathComponent(relative) }
    func exists(_ relative: String) -> Bool { files.fileExists(atPath: url(relative).path) }

    /// Every file this saga writes carries the run id, so a compensation that got no value (its step
    /// failed before returning one) can still tell its own work from someone else's.
    static func marker(_ runID: String) -> String { "provisioned-by: \(runID)" }

    func isOurs(_ relative: String, runID: String) -> Bool {
        (try? String(contentsOf: url(relative), encoding: .utf8))?.contains(Self.marker(runID)) ?? false
    }

    /// The registry entries (`registry/<id>.json`) written by this run.
    func registrations(of runID: String) -> [String] {
        ((try? files.contentsOfDirectory(atPath: url("registry").path)) ?? []).sorted()
            .filter { $0.hasSuffix(".json") }.map { "registry/\($0)" }
            .filter { isOurs($0, runID: runID) }
    }

    /// The machine's own folders, there before any saga runs (like /srv and /etc).
    static let layout = ["srv", "etc", "registry", "enabled"]

    func prepare() throws {
        for folder in Self.layout { try files.createDirectory(at: url(folder), withIntermediateDirectories: true) }
    }

    /// What the machine holds beyond its own folders, for the final report.
    func inventory() -> [String] {
        Self.layout.flatMap { top in (files.subpaths(atPath: url(top).path) ?? []).map { "\(top)/\($0)" } }.sorted()
    }
}

// MARK: - The saga

func provisioning(app: String, on machine: Machine, failAt: String?) -> Saga {
    let files = FileManager.default
    @Sendable func failIfAsked(_ step: String) throws { if failAt == step { throw ProvisionError.injected(step) } }

    return Saga("provision-\(app)") {
        Phase("filesystem") {
            Step("directories",
                 run: { ctx in
                     if machine.exists("srv/\(app)/.owner") {   // checked before touching anything
                         throw ProvisionError(description: "'\(app)' is already provisioned under \(machine.root.path); choose another --app or --root")
                     }
                     var created: [String] = []
                     for folder in ["srv/\(app)", "srv/\(app)/data", "srv/\(app)/logs"] where !machine.exists(folder) {
                         try files.createDirectory(at: machine.url(folder), withIntermediateDirectories: true)
                         created.append(folder)
                     }
                     try Machine.marker(ctx.runID).write(to: machine.url("srv/\(app)/.owner"), atomically: true, encoding: .utf8)
                     print("  + created \(created.isEmpty ? "nothing new" : created.joined(separator: ", "))")
                     try failIfAsked("directories")
                     return CreatedFolders(paths: created)
                 },
                 compensate: { ctx, folders in
                     // No value: remove the app folder only if its owner marker names this run.
                     let owned = machine.isOurs("srv/\(app)/.owner", runID: ctx.runID)
                     let ours = folders?.paths ?? (owned ? ["srv/\(app)"] : [])
                     if owned { try files.removeItem(at: machine.url("srv/\(app)/.owner")) }
                     for folder in ours.reversed() where machine.exists(folder) {
                         try files.removeItem(at: machine.url(folder))
                     }
                     print("  - removed \(ours.isEmpty ? "nothing" : ours.reversed().joined(separator: ", "))")
                 })
            Step("config",
                 run: { ctx in
                     let config = "etc/\(app).conf"
                     guard !machine.exists(config) else {
                         throw ProvisionError(description: "\(config) exists already; refusing to overwrite it")
                     }
                     let text = """
                         # \(Machine.marker(ctx.runID))
                         name = \(app)
                         data = \(machine.url("srv/\(app)/data").path)
                         listen = 127.0.0.1:8080

                         """
                     try text.write(to: machine.url(config), atomically: true, encoding: .utf8)
                     print("  + wrote \(config)")
                     try failIfAsked("config")
                     return WrittenConfig(path: config)
                 },
                 compensate: { ctx, written in
                     let config = written?.path ?? "etc/\(app).conf"
                     guard machine.isOurs(config, runID: ctx.runID) else { return print("  - \(config): not ours, left alone") }
                     try files.removeItem(at: machine.url(config))
                     print("  - removed \(config)")
                 })
        }
        Phase("service") {
            Step("register",
                 run: { ctx in
                     // A registry hands out ids; here, one file per service in registry/.
                     let serviceID = "svc-" + UUID().uuidString.prefix(8).lowercased()
                     let file = "registry/\(serviceID).json"
                     let entry = #"{"id": "\#(serviceID)", "app": "\#(app)", "note": "\#(Machine.marker(ctx.runID))"}"#
                     try (entry + "\n").write(to: machine.url(file), atomically: true, encoding: .utf8)
                     print("  + registered \(serviceID)")
                     try failIfAsked("register")
                     return Registration(serviceID: serviceID, file: file)
                 },
                 compensate: { ctx, registration in
                     // With the id, deregister exactly that service; without, every entry of this run.
                     let entries = registration.map { [$0.file] } ?? machine.registrations(of: ctx.runID)
                     for entry in entries where machine.exists(entry) { try files.removeItem(at: machine.url(entry)) }
                     print("  - deregistered \(registration?.serviceID ?? entries.joined(separator: ", "))")
                 })
            Step("enable",
                 run: { ctx in
                     // A Swift step's value goes to its own compensation; a later step looks the fact up
                     // where it lives (here: the registry entry this run wrote).
                     guard let entry = machine.registrations(of: ctx.runID).first else {
                         throw ProvisionError(description: "no registry entry of this run in registry/")
                     }
                     let link = "enabled/\(app)"
                     try? files.removeItem(at: machine.url(link))
                     try files.createSymbolicLink(atPath: machine.url(link).path, withDestinationPath: "../" + entry)
                     print("  + enabled \(link)")
                     try failIfAsked("enable")
                     return EnabledLink(link: link)
                 },
                 compensate: { _, enabled in
                     let link = enabled?.link ?? "enabled/\(app)"
                     try? files.removeItem(at: machine.url(link))
                     print("  - disabled \(link)")
                 })
        }
    }
}

// MARK: - Command line

var root = URL(fileURLWithPath: "provision-demo")
var app = "shop"
var failAt: String?
var arguments = CommandLine.arguments.dropFirst()
while let argument = arguments.popFirst() {
    switch argument {
    case "--root": root = URL(fileURLWithPath: arguments.popFirst() ?? ".")
    case "--app": app = arguments.popFirst() ?? app
    case "--fail-at": failAt = arguments.popFirst()
    default:
        print("usage: provision-saga [--root DIR] [--app NAME] [--fail-at directories|config|register|enable]")
        exit(2)
    }
}

let machine = Machine(root: root.standardizedFileURL)
let workspace = machine.url("state")   // Belay's journal and rollback points: <root>/state/.belay
try FileManager.default.createDirectory(at: workspace, withIntermediateDirectories: true)
try machine.prepare()
print("Provisioning '\(app)' under \(machine.root.path)" + (failAt.map { " (set to fail at '\($0)')" } ?? ""))

let outcome = try await Engine(workspace: workspace).run(provisioning(app: app, on: machine, failAt: failAt))
if case .completed = outcome.result {
    print("✓ run \(outcome.runID) completed: '\(app)' is provisioned")
} else if case .compensated(let failure?) = outcome.result {
    print("↺ run \(outcome.runID) failed at \(failure.site): \(failure.error)")
    print("  every started step was compensated, newest first")
} else {   // stuck (a compensation failed), paused, or stopped: the journal says where
    print("✗ run \(outcome.runID) ended \(outcome.state.status.rawValue); see \(workspace.path)/.belay")
}
let left = machine.inventory()
print("on disk: " + (left.isEmpty ? "nothing" : left.joined(separator: " ")))
print("journal: \(workspace.path)/.belay/runs/\(outcome.runID)/journal.jsonl")
exit(outcome.exitCode)
