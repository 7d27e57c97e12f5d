import Foundation
import Testing
@testable import BelayGate

/// The four report formats, from a real evaluation over files on disk.
@Suite struct ReportTests {
    /// A conditional report: one warning from coverage, one failing non-key p95, one expired waiver.
    func report(in dir: String) throws -> GateReport {
        try write("""
            gate: web
            inputs:
              tests: { junit: "reports/*.xml" }
              coverage: { lcov: lcov.info }
              perf: { json: perf.json }
            criteria:
              - { id: tests-pass, source: tests, metric: failed, max: 0, key: true }
              - { id: coverage, source: coverage, metric: line_rate, min: 0.5, warn_below: 0.8 }
              - { id: p95, source: perf, path: "metrics.p95", max: 500, warn_above: 400 }
              - { id: rollback, rehearsal: true, key: true }
            decision: { proceed_max_warnings: 1, conditional_max_warnings: 3 }
            waivers:
              - { criterion: p95, reason: "load test env is slow", expires: 2026-01-01 }
            """, to: dir + "/gate.yml")
        try write(#"<testsuite><testcase name="a"/><testcase name="b &amp; c"/></testsuite>"#, to: dir + "/reports/unit.xml")
        try write("SF:a\nLF:10\nLH:7\nend_of_record\n", to: dir + "/lcov.info")
        try write(#"{"metrics": {"p95": 612}}"#, to: dir + "/perf.json")
        let policy = try GatePolicy.load(path: dir + "/gate.yml")
        return try GateEvaluator(
            policy: policy, today: CalendarDay(year: 2026, month: 3, day: 1),
            rehearsal: { _ in RehearsalEvidence(succeeded: true, runID: "rh-1") }
        ).evaluate()
    }

    @Test func evaluatesFilesRelativeToThePolicy() throws {
        try withTemporaryDirectory { dir in
            let report = try report(in: dir)
            #expect(report.decision == .conditionalProceed)
            #expect(report.criteria.map(\.status) == [.pass, .warn, .fail, .pass])
            #expect(report.warnings == 2)
            #expect(report.expiredWaivers.map(\.criterion) == ["p95"])
            #expect(report.evidence.map(\.files.count) == [1, 1, 1])
        }
    }

    @Test func jsonMatchesTheContract() throws {
        try withTemporaryDirectory { dir in
            let text = try report(in: dir).render(.json)
            let object = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
            #expect(Set(object.keys) == ["decision", "criteria", "evidence"])
            #expect(object["decision"] as? String == "CONDITIONAL_PROCEED")
            let criteria = try #require(object["criteria"] as? [[String: Any]])
            #expect(criteria.count == 4)
            for criterion in criteria {
                #expect(Set(criterion.keys) == ["id", "status", "key", "value", "threshold", "message"])
            }
            #expect(criteria[0]["id"] as? String == "tests-pass")
            #expect(criteria[0]["key"] as? Bool == true)
            #expect((criteria[1]["value"] as? NSNumber)?.doubleValue == 0.7)
            #expect(criteria[1]["threshold"] as? [String: Double] == ["min": 0.5, "warn_below": 0.8])
            #expect(criteria[2]["status"] as? String == "fail")
            #expect((criteria[2]["message"] as? String)?.contains("waiver expired on 2026-01-01") == true)
            #expect(criteria[3]["value"] as? Bool == true)
            let evidence = try #require(object["evidence"] as? [String: Any])
            let tests = try #require(evidence["tests"] as? [String: Any])
            #expect(tests["status"] as? String == "ok")
            #expect((tests["metrics"] as? [String: Any])?["tests"] as? Int == 2)
            #expect((evidence["rehearsal"] as? [String: Any])?["run"] as? String == "rh-1")
        }
    }

    @Test func textPutsTheDecisionFirst() throws {
        try withTemporaryDirectory { dir in
            let text = try report(in: dir).render(.text)
            let lines = text.split(separator: "\n").map(String.init)
            #expect(lines[1].trimmingCharacters(in: .whitespaces) == "⚠  CONDITIONAL_PROCEED")
            #expect(text.contains("coverage          0.7        ≥ 0.5 (warn < 0.8)  ⚠ warn"))
            #expect(text.contains("tests-pass (key)  0          ≤ 0                 ✓ pass"))
            #expect(text.contains("expired waivers (no longer applied):\n  ! p95: expired on 2026-01-01 — load test env is slow"))
        }
    }

    @Test func markdownHasAHeadingAndATable() throws {
        try withTemporaryDirectory { dir in
            let text = try report(in: dir).render(.markdown)
            #expect(text.hasPrefix("## 🟡 CONDITIONAL_PROCEED — gate `web`"))
            #expect(text.contains("| `coverage` |  | 0.7 | ≥ 0.5 (warn &lt; 0.8) | ⚠ warn |"))
            #expect(text.contains("### Expired waivers"))
        }
    }

    @Test func junitIsReadableByTheGateItself() throws {
        try withTemporaryDirectory { dir in
            let xml = try report(in: dir).render(.junit)
            let summary = try #require(JUnitReader.read(xml: xml).value)
            // 4 criteria + the decision; only the failing non-key p95 is a failure.
            #expect([summary.tests, summary.failures, summary.skipped] as [Int] == [5, 1, 0])
            #expect(summary.failing.first?.hasPrefix("gate.web.p95: metrics.p95 = 612, above max 500") == true)
        }
    }

    @Test func junitFailsTheDecisionOnBlock() throws {
        let policy = try GatePolicy.parse(text: "gate: g\ncriteria:\n  - { id: r, rehearsal: true, key: true }\n", file: "g.yml", directory: ".")
        let xml = GateEvaluator(policy: policy).evaluate(evidence: []).render(.junit)
        let summary = try #require(JUnitReader.read(xml: xml).value)
        #expect([summary.tests, summary.failures] as [Int] == [2, 2])
    }

    @Test func overridesReplaceTheOneSourceOfAKindOrFailClearly() throws {
        try withTemporaryDirectory { dir in
            _ = try report(in: dir)
            try write(#"<testsuite><testcase name="x"><failure/></testcase></testsuite>"#, to: dir + "/other/failing.xml")
            let policy = try GatePolicy.load(path: dir + "/gate.yml")
            let evaluator = GateEvaluator(policy: policy, today: CalendarDay(year: 2026, month: 3, day: 1))
            let byKind = try evaluator.evaluate(overrides: EvidenceOverrides(directory: dir + "/other", byKind: [.junit: ["*.xml"]]))
            #expect(byKind.criteria[0].status == .fail)
            let bySource = try evaluator.evaluate(overrides: EvidenceOverrides(directory: dir, bySource: ["tests": ["other/*.xml"]]))
            #expect(bySource.criteria[0].status == .fail)
            #expect(throws: GateError.self) {
                try evaluator.evaluate(overrides: EvidenceOverrides(byKind: [.sarif: ["x.sarif"]]))
            }
            let unknown = try #require(throws: GateError.self) {
                try evaluator.evaluate(overrides: EvidenceOverrides(bySource: ["test": ["x"]]))
            }
            #expect(unknown.problem == .unknownSource("test", suggestion: "tests", declared: ["tests", "coverage", "perf"]))
        }
    }
}
