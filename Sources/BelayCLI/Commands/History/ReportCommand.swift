import ArgumentParser
import Belay
import Foundation

struct ReportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Write a run's report: one self-contained HTML page, or Markdown for a CI job summary.",
        discussion: """
            Reads the run's journal and rollback points (nothing is run or changed) and writes its \
            timeline, every step with its status, attempts, duration and outputs (as journaled: \
            secrets masked), gate decisions, approvals (who decided, what they said) and rollback \
            points. The HTML page has its CSS and an SVG timeline inline and fetches nothing, so it \
            can be kept as a CI artifact and opened anywhere.

            Examples:
              belay report release-42 --format html --output release-42.html
              belay report --format markdown >> "$GITHUB_STEP_SUMMARY"
            """
    )

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case html, markdown
    }

    @Argument(help: ArgumentHelp("The run id (default: the latest run).", valueName: "run"))
    var runID: String?

    @OptionGroup var workspace: RunWorkspace

    @Option(help: ArgumentHelp("html or markdown.", valueName: "format"))
    var format: Format = .html

    @Option(help: ArgumentHelp("Write the report to this file instead of standard output.", valueName: "file"))
    var output: String?

    func run() async throws {
        let workspaceURL = workspace.url
        let (runID, _) = try RunLookup.state(run: self.runID, workspace: workspaceURL)
        let report: RunReport
        do {
            let history = try RunHistory(workspace: workspaceURL, runID: runID)
            report = RunReport(history: history, points: try await history.points())
        } catch {
            throw OperateExit.fail(error)
        }
        let text = format == .html ? RunHTMLReport.render(report) : RunMarkdownReport.render(report)
        guard let output else {
            Terminal.write(text, to: .standardOutput)
            return
        }
        do {
            try text.write(to: URL(fileURLWithPath: output), atomically: true, encoding: .utf8)
        } catch {
            Terminal.printError("belay: cannot write the report to \(output): \(error.localizedDescription) "
                + "(check that its folder exists and is writable)")
            throw ExitCode(1)
        }
        Terminal.printError("\(Terminal.success(.standardError)) report of run \(runID) written to \(output)")
    }
}
