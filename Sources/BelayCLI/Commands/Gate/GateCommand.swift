import ArgumentParser
import Belay
import BelayGate
import BelayPlaybook
import BelaySupport
import Foundation

/// `belay gate`: decide PROCEED / CONDITIONAL_PROCEED / BLOCK from validation evidence.
struct GateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gate",
        abstract: "Decide PROCEED, CONDITIONAL_PROCEED or BLOCK from test, scan, coverage and metric evidence.",
        discussion: """
            Reads the evidence a policy names (JUnit, SARIF, Cobertura, lcov, JSON metrics), checks each \
            criterion, and decides: a key criterion that fails or has missing evidence blocks; otherwise \
            warnings are counted against the policy's decision limits.

            Globs in the policy are relative to the policy file's folder; globs on the command line are \
            relative to the current directory. --junit, --sarif, --cobertura, --lcov and --metrics replace \
            the files of the policy's one source of that kind; --evidence SOURCE=GLOB replaces a named source.

            A `rehearsal: true` criterion passes only after a successful `belay rehearse` of the playbook \
            named by --playbook, with exactly its current content (and no older than the criterion's \
            max_age). The record is looked up in the playbook's workspace (--workspace to override).

            Exit codes: 0 PROCEED, 1 BLOCK, 3 CONDITIONAL_PROCEED, 2 invalid policy or usage.

            Examples:
              belay gate --policy playbooks/gates/release.yml
              belay gate --policy release.yml --junit 'reports/**/*.xml' --sarif scan.sarif
              belay gate --policy release.yml --evidence perf=perf/summary.json
              belay gate --policy release.yml --playbook deploy.yml
              belay gate --policy release.yml --format json --output gate.json
              belay gate --policy release.yml --format markdown >> "$GITHUB_STEP_SUMMARY"
            """
    )

    @Option(name: .long, help: ArgumentHelp("The gate policy (YAML).", valueName: "file"))
    var policy: String

    @Option(name: .long, help: ArgumentHelp("JUnit XML files for the policy's junit source (repeatable).", valueName: "glob"))
    var junit: [String] = []

    @Option(name: .long, help: ArgumentHelp("SARIF files for the policy's sarif source (repeatable).", valueName: "glob"))
    var sarif: [String] = []

    @Option(name: .long, help: ArgumentHelp("A Cobertura XML file for the policy's cobertura source.", valueName: "file"))
    var cobertura: String?

    @Option(name: .long, help: ArgumentHelp("An lcov tracefile for the policy's lcov source.", valueName: "file"))
    var lcov: String?

    @Option(name: .long, help: ArgumentHelp("JSON metrics files for the policy's json source (repeatable).", valueName: "file"))
    var metrics: [String] = []

    @Option(name: .long, help: ArgumentHelp("Replace a named source's files (repeatable).", valueName: "source=glob"))
    var evidence: [String] = []

    @Option(name: .long, help: ArgumentHelp("The playbook whose rehearsal counts for `rehearsal: true` criteria.", valueName: "file"))
    var playbook: String?

    @Option(name: .long, help: ArgumentHelp("The workspace holding the playbook's rehearsal records (default: as `belay run` picks it).", valueName: "dir"))
    var workspace: String?

    @Option(name: .long, help: ArgumentHelp("Report format: text, json, markdown or junit.", valueName: "format"))
    var format: String = "text"

    @Option(name: .long, help: ArgumentHelp("Write the report to this file instead of standard output.", valueName: "file"))
    var output: String?

    func run() throws {
        guard let reportFormat = ReportFormat(rawValue: format) else {
            throw usageError("--format must be one of \(ReportFormat.allCases.map(\.rawValue).joined(separator: ", ")), got '\(format)'")
        }
        let loaded: GatePolicy
        do {
            loaded = try GatePolicy.load(path: policy)
        } catch {
            printError(error.description)
            let count = error.errors.count
            printError("the policy has \(count) error\(count == 1 ? "" : "s"); nothing was evaluated")
            throw ExitCode(2)
        }
        var overrides = EvidenceOverrides()
        overrides.byKind[.junit] = junit
        overrides.byKind[.sarif] = sarif
        overrides.byKind[.cobertura] = cobertura.map { [$0] } ?? []
        overrides.byKind[.lcov] = lcov.map { [$0] } ?? []
        overrides.byKind[.json] = metrics
        let rehearsal = try rehearsalLookup()
        let report: GateReport
        do {
            for assignment in evidence {
                let (source, pattern) = try EvidenceOverrides.parseAssignment(assignment)
                overrides.bySource[source, default: []].append(pattern)
            }
            report = try GateEvaluator(
                policy: loaded, today: .today(), playbook: playbook, rehearsal: rehearsal
            ).evaluate(overrides: overrides)
        } catch {
            throw usageError(GateErrorText.text(for: error))
        }
        let rendered = report.render(reportFormat)
        if let output {
            do {
                let folder = (output as NSString).deletingLastPathComponent
                if !folder.isEmpty { try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true) }
                try rendered.write(toFile: output, atomically: true, encoding: .utf8)
            } catch {
                throw usageError("cannot write the report to \(output): \(error.localizedDescription)")
            }
            printError("\(report.decision.rawValue): report written to \(output)")
        } else {
            print(rendered, terminator: "")
        }
        if report.decision != .proceed { throw ExitCode(report.decision.exitCode) }
    }

    /// The rehearsal record of --playbook's current content, in its workspace.
    private func rehearsalLookup() throws -> RehearsalLookup? {
        guard let playbook else { return nil }
        guard let content = FileManager.default.contents(atPath: playbook) else {
            throw usageError("cannot read the playbook \(playbook) given to --playbook")
        }
        let model = try? PlaybookLoader.load(text: String(decoding: content, as: UTF8.self), file: playbook)
        let store = RehearsalStore(
            workspace: PlaybookWorkspace.resolve(playbook: playbook, declared: model?.workspace, override: workspace))
        let path = URL(fileURLWithPath: playbook).standardizedFileURL.path
        let evidence = store.evidence(playbookContent: content, saga: model.map { Saga(playbook: $0) }, playbook: path)
        return { _ in evidence }
    }

    private func usageError(_ message: String) -> ExitCode {
        printError("error: \(message)")
        return ExitCode(2)
    }

    private func printError(_ message: String) {
        Terminal.printError(message)
    }
}
