import ArgumentParser
import Belay
import BelayPlaybook
import BelaySupport
import Foundation

/// The playbook argument and where its values come from (`--env`, `--vars-file`, `--var`), as
/// `run`, `plan` and `rehearse` take them.
struct PlaybookInput: ParsableArguments {
    @Argument(help: "The playbook file.")
    var playbook: String

    @Option(name: .customLong("env"), help: ArgumentHelp("Use the values of this environment of the playbook.", valueName: "name"))
    var environment: String?

    @Option(
        name: .customLong("vars-file"),
        help: ArgumentHelp("Read var values from a YAML file (repeatable; a later file wins, --var wins over all).", valueName: "file"))
    var varsFiles: [String] = []

    @Option(name: .customLong("var"), help: ArgumentHelp("Set a declared variable (wins over --env and --vars-file).", valueName: "name=value"))
    var vars: [String] = []

    func validate() throws {
        for assignment in vars where !assignment.contains("=") || assignment.hasPrefix("=") {
            throw ValidationError("--var takes name=value, got '\(assignment)'")
        }
    }

    /// `--var` values by name; a name given twice keeps its last value.
    var overrides: [String: String] {
        var secrets = SecretVarInput()
        secrets.vars = vars
        return secrets.values
    }

    /// Refuses (exit 2) when a secret variable has no value: neither `--var` nor `BELAY_VAR_<NAME>`.
    func requireSecrets(of model: Playbook) throws {
        let missing = model.missingSecrets
        guard !missing.isEmpty else { return }
        Terminal.printError(
            "belay: \(playbook): the secret variable\(missing.count == 1 ? "" : "s") \(missing.joined(separator: ", ")) "
                + "\(missing.count == 1 ? "has" : "have") no value; set "
                + missing.map { "BELAY_VAR_" + $0.uppercased().replacing("-", with: "_") }.joined(separator: ", ")
                + " in the environment, or pass " + missing.map { "--var \($0)=…" }.joined(separator: " "))
        throw ExitCode(2)
    }

    /// The values from outside the playbook, each named by its flag in messages.
    var sources: VariableSources {
        VariableSources(
            environment: environment, files: varsFiles, overrides: overrides,
            labels: .init(environment: "--env", file: "--vars-file", override: "--var"))
    }

    /// The playbook's absolute path, as runs record it.
    var path: String { URL(fileURLWithPath: playbook).standardizedFileURL.path }

    /// Reads and validates the playbook. When it is invalid, the diagnostics go to stderr (or, with
    /// `json`, to stdout as `validate --json` prints them) and the command exits 2.
    func load(json: Bool = false) throws -> (source: String, model: Playbook) {
        do {
            let source = try PlaybookLoader.read(playbook)
            return (source, try PlaybookLoader.load(text: source, file: playbook, sources: sources))
        } catch {
            if json {
                Terminal.print(try DiagnosticsJSON.report(file: playbook, valid: false, diagnostics: error.diagnostics))
            } else {
                for diagnostic in error.diagnostics { Terminal.printError(diagnostic.rendered) }
            }
            throw ExitCode(2)
        }
    }

    /// `override`, else the playbook's `workspace:` (relative to its folder), else its folder. A
    /// workspace that is not an existing folder is a usage error (exit 2) naming where it came from.
    func workspace(of model: Playbook, override: String?) throws -> URL {
        let url = PlaybookWorkspace.resolve(playbook: playbook, declared: model.workspace, override: override)
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isFolder), isFolder.boolValue else {
            let origin = override != nil ? "--workspace" : model.workspace != nil ? "`workspace:` in \(playbook)" : "the playbook's folder"
            Terminal.printError("belay: the workspace \(url.path) (from \(origin)) is not an existing folder; create it or point \(origin) elsewhere")
            throw ExitCode(2)
        }
        return url
    }
}
