import Foundation
import Testing
@testable import BelayGate

@Suite struct SARIFReaderTests {
    @Test func severalRunsKindsLevelsBandsAndSuppressions() throws {
        let s = try #require(SARIFReader.read(file: fixture("sarif/multi-run.sarif")).value)
        #expect(s.findings == 13)
        #expect(s.critical == 3)
        #expect(s.high == 4)
        #expect(s.highOrAbove == 7)
        #expect(s.medium == 2)
        #expect(s.mediumOrAbove == 9)
        #expect(s.low == 2)
        #expect(s.errors == 3)
        #expect(s.worst.first == "high js/sql-injection: user input reaches a query (src/db.js:42)")
        #expect(s.metrics.values == [
            "findings": 13, "critical": 3, "high_or_above": 7, "medium_or_above": 9, "errors": 3,
            "suppressed": Double(s.suppressedTotal), "suppressed_error": Double(s.suppressed["error", default: 0]),
            "suppressed_warning": Double(s.suppressed["warning", default: 0]),
            "suppressed_note": Double(s.suppressed["note", default: 0]),
        ])
    }

    @Test(arguments: [
        ("9.0", SARIFSeverity.critical), ("8.9", .high), ("7.0", .high), ("6.9", .medium), ("4.0", .medium),
        ("3.9", .low), ("0.1", .low), ("0.0", .none),
    ])
    func securitySeverityFollowsGitHubBands(score: String, expected: SARIFSeverity) {
        let rule = JSONValue.object([JSONMember(key: "properties", value: .object([JSONMember(key: "security-severity", value: .string(score))]))])
        #expect(SARIFResultCounter.severity(result: .object([]), rule: rule, level: "error") == expected)
    }

    /// Missing evidence is never a pass (docs/gate.md): a log that records no scan is not a clean scan.
    @Test func aLogWithNoRunIsMissingNotClean() {
        guard case .missing = SARIFReader.read(data: Data(#"{"version":"2.1.0","runs":[]}"#.utf8), name: "empty.sarif") else {
            Issue.record("a SARIF log with no runs must be missing evidence")
            return
        }
        let clean = #"{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"x"}},"results":[]}]}"#
        #expect(SARIFReader.read(data: Data(clean.utf8), name: "clean.sarif").value?.findings == 0)
    }

    @Test func severityFallsBackToTagsThenLevel() {
        let tagged = JSONValue.object([JSONMember(key: "properties", value: .object([JSONMember(key: "tags", value: .array([.string("Medium")]))]))])
        #expect(SARIFResultCounter.severity(result: .object([]), rule: tagged, level: "error") == .medium)
        #expect(SARIFResultCounter.severity(result: .object([]), rule: nil, level: "error") == .high)
        #expect(SARIFResultCounter.severity(result: .object([]), rule: nil, level: "warning") == .medium)
        #expect(SARIFResultCounter.severity(result: .object([]), rule: nil, level: "note") == .low)
        #expect(SARIFResultCounter.severity(result: .object([]), rule: nil, level: "none") == .none)
    }

    @Test func levelFallsBackToTheRuleDefaultThenWarning() throws {
        let log = """
            { "version": "2.1.0", "runs": [ { "tool": { "driver": { "name": "t", "rules": [
              { "id": "r-error", "defaultConfiguration": { "level": "error" } }, { "id": "r-plain" } ] } },
              "results": [ { "ruleId": "r-error" }, { "ruleIndex": 0 }, { "ruleId": "r-plain" }, { "ruleId": "r-error", "level": "note" } ] } ] }
            """
        let s = try #require(SARIFReader.read(data: Data(log.utf8), name: "t.sarif").value)
        #expect(s.findings == 4)
        #expect(s.errors == 2)
        #expect([s.high, s.medium, s.low] as [Int] == [2, 1, 1])
    }

    @Test func anIncompleteScanIsUnreadableNotClean() {
        guard case .unreadable(let reason) = SARIFReader.read(file: fixture("sarif/failed-run.sarif")) else {
            Issue.record("expected unreadable")
            return
        }
        #expect(reason.contains("did not complete"))
        #expect(reason.contains("out of memory"))
    }

    @Test func aCleanScanIsOkWithZeroFindings() throws {
        let s = try #require(SARIFReader.read(file: fixture("sarif/clean.sarif")).value)
        #expect(s.findings == 0)
    }

    @Test func brokenJSONIsUnreadable() {
        guard case .unreadable(let reason) = SARIFReader.read(file: fixture("sarif/truncated.sarif")) else {
            Issue.record("expected unreadable")
            return
        }
        #expect(reason.contains("not valid JSON"))
    }
}
