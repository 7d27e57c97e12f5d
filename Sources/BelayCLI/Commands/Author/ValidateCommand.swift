import ArgumentParser
import BelayPlaybook
import BelaySupport
import Foundation

struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check a playbook and report every problem with file:line:col.",
        discussion: """
            Reads the playbook and reports all problems at once: YAML syntax, unknown or misspelt keys, \
            wrong types, missing fields, duplicate or invalid ids, unknown or cyclic needs, bad \
            durations, run steps without a compensate, and placeholders that name unknown variables \
            or steps that have not run yet. Nothing is run.

            Exit status: 0 when the playbook is valid (warnings allowed), 2 when it has errors or \
            cannot be read.

            Examples:
              belay validate playbooks/quickstart.yml
              belay validate deploy.yml --json | jq '.diagnostics[] | .message'
            """
    )

    @Argument(help: "The playbook file.")
    var playbook: String

    @Flag(help: "Print {\"file\", \"valid\", \"diagnostics\": [...]} to stdout instead of text.")
    var json = false

    func run() throws {
        let analysis: PlaybookLoader.Analysis
        do {
            let text = try PlaybookLoader.read(playbook)
            analysis = PlaybookLoader.analyze(text: text, file: playbook)
        } catch {
            analysis = PlaybookLoader.Analysis(playbook: nil, diagnostics: error.diagnostics)
        }
        let valid = analysis.errors.isEmpty
        if json {
            Terminal.print(try DiagnosticsJSON.report(file: playbook, valid: valid, diagnostics: analysis.diagnostics))
        } else {
            for diagnostic in analysis.diagnostics { Terminal.printError(diagnostic.rendered) }
            if let model = analysis.playbook, valid {
                let steps = model.phases.reduce(0) { $0 + $1.steps.count }
                let warnings = analysis.diagnostics.count
                var summary = "\(Terminal.success()) \(playbook): valid (\(count(model.phases.count, "phase")), \(count(steps, "step"))"
                if warnings > 0 { summary += ", \(count(warnings, "warning"))" }
                Terminal.print(summary + ")")
            } else {
                Terminal.printError(
                    "\(Terminal.failure(.standardError)) \(playbook): \(count(analysis.errors.count, "error"))")
            }
        }
        if !valid { throw ExitCode(2) }
    }
}
