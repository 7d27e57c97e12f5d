import BelaySupport
import Foundation
import Testing

@testable import BelayPlaybook
import BelayModel

/// Fixtures/invalid/NAME.yml must produce exactly the diagnostics in NAME.expected (`line:col: message`,
/// warnings as `line:col: warning: message`), and Fixtures/valid/*.yml must produce none.
enum Fixtures {
    static let root = Bundle.module.url(forResource: "Fixtures", withExtension: nil)!

    static func names(_ folder: String) -> [String] {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent(folder).path)) ?? []
        return files.filter { $0.hasSuffix(".yml") }.map { String($0.dropLast(4)) }.sorted()
    }

    static func text(_ folder: String, _ name: String, _ ext: String) throws -> String {
        try String(contentsOf: root.appendingPathComponent("\(folder)/\(name).\(ext)"), encoding: .utf8)
    }

    static func summary(_ diagnostic: Diagnostic) -> String {
        let severity = diagnostic.severity == .warning ? "warning: " : ""
        return "\(diagnostic.location.line):\(diagnostic.location.column): \(severity)\(diagnostic.message)"
    }
}

@Test func thereAreEnoughFixtures() {
    #expect(Fixtures.names("invalid").count >= 20)
    #expect(Fixtures.names("valid").count >= 3)
}

@Test(arguments: Fixtures.names("invalid"))
func invalidFixtureReportsExactlyItsExpectedDiagnostics(name: String) throws {
    let text = try Fixtures.text("invalid", name, "yml")
    let expected = try Fixtures.text("invalid", name, "expected").split(separator: "\n").map(String.init)
    let diagnostics = PlaybookLoader.diagnose(text: text, file: "\(name).yml")
    #expect(diagnostics.map(Fixtures.summary) == expected)
    // Every diagnostic names the file and quotes the offending line for the caret.
    #expect(diagnostics.allSatisfy { $0.location.file == "\(name).yml" && $0.sourceLine != nil })
    #expect(throws: DiagnosticsError.self) { try PlaybookLoader.load(text: text, file: "\(name).yml") }
}

@Test(arguments: Fixtures.names("valid"))
func validFixtureIsClean(name: String) throws {
    let text = try Fixtures.text("valid", name, "yml")
    #expect(PlaybookLoader.diagnose(text: text, file: "\(name).yml").map(Fixtures.summary) == [])
    _ = try PlaybookLoader.load(text: text, file: "\(name).yml")
}

@Test func fiveMistakesAreFiveDiagnosticsAtTheirPlaces() throws {
    let text = try Fixtures.text("invalid", "five-mistakes", "yml")
    let diagnostics = PlaybookLoader.diagnose(text: text, file: "five.yml")
    #expect(diagnostics.count == 5)
    #expect(diagnostics.map { "\($0.location.line):\($0.location.column)" } == ["9:9", "11:13", "14:26", "16:18", "17:13"])
    #expect(diagnostics.map(\.hint?.isEmpty) == [false, false, false, false, false])
    // The caret sits under the misspelt placeholder.
    let placeholder = try #require(diagnostics.first { $0.message.contains("verion") })
    #expect(placeholder.rendered.contains("./switch.sh {{ vars.verion }}\n" + String(repeating: " ", count: 29) + "^"))
}

@Test func everyFieldFixtureBuildsTheWholeModel() throws {
    let playbook = try PlaybookLoader.load(text: try Fixtures.text("valid", "every-field", "yml"), file: "every.yml")
    #expect(playbook.name == "deploy-web")
    #expect(playbook.workspace == "./site")
    #expect(playbook.vars == [Variable("version", "1.4.2"), Variable("region", "eu-west-1")])
    #expect(playbook.secrets == ["DB_PASSWORD"])
    #expect(playbook.env == [Variable("APP_ENV", "staging")])
    #expect(playbook.defaults.timeout == .seconds(600))
    #expect(playbook.defaults.retry == RetryPolicy(attempts: 1, delay: .seconds(1), backoff: 2, maxDelay: .seconds(30)))
    #expect(playbook.defaults.shell == "bash")
    #expect(playbook.notify == ["$SLACK_WEBHOOK_URL", "https://chat.example.org/hooks/abc123"])
    #expect(Saga(playbook: playbook).notify == playbook.notify)

    let dump = try #require(playbook.phase("backup")?.steps.first)
    #expect(dump.name == "Dump the database")
    #expect(dump.verify == "test -s backup.db")
    #expect(dump.timeout == .seconds(120))
    // A step's retry keeps the defaults for the keys it leaves out.
    #expect(dump.retry == RetryPolicy(attempts: 3, delay: .seconds(2), backoff: 2, maxDelay: .seconds(30)))
    #expect(dump.critical && !dump.idempotent && !dump.irreversible)

    let release = try #require(playbook.phase("release"))
    #expect(release.needs == ["backup"] && release.parallel && release.maxParallel == 2)
    #expect(release.steps[1].action == .gate(GateAction(policy: "release-gate.yml", onConditional: .approve)))
    #expect(
        release.steps[2].action
            == .approval(ApprovalAction(message: "Promote {{ vars.version }} in {{ vars.region }}?", timeout: .seconds(3600), onTimeout: .reject)))
    let notify = try #require(playbook.phase("cleanup")?.steps.first)
    #expect(notify.irreversible && !notify.critical && notify.compensate == nil)
    #expect(playbook.phase("cleanup")?.needs == nil)
}
