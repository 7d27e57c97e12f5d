import BelaySupport
import Testing
@testable import BelayGate

@Suite struct PolicyLoaderTests {
    func diagnostics(_ text: String) throws -> [Diagnostic] {
        let error = try #require(throws: DiagnosticsError.self) {
            try GatePolicy.parse(text: text, file: "gate.yml", directory: ".")
        }
        return error.diagnostics
    }

    @Test func theDefaultReleasePolicyLoads() throws {
        let policy = try GatePolicy.load(path: releasePolicyPath)
        #expect(policy.name == "release")
        #expect(policy.sources.map(\.name) == ["tests", "security", "coverage", "perf"])
        #expect(policy.criteria.filter(\.key).map(\.id) == ["tests-pass", "no-high-vulns", "rollback"])
        let coverage = try #require(policy.criteria.first { $0.id == "coverage" })
        #expect(coverage.thresholds == Thresholds(min: 0.80, warnBelow: 0.85))
        #expect(coverage.measure == .metric(source: "coverage", name: "line_rate"))
        #expect(policy.decision == DecisionRule(proceedMaxWarnings: 2, conditionalMaxWarnings: 4))
        #expect(policy.directory.hasSuffix("playbooks/gates"))
    }

    @Test func unknownKeysGetASuggestionAndALocation() throws {
        let found = try diagnostics("""
            gate: g
            inputs:
              tests: { junit: "*.xml" }
            criteria:
              - { id: a, source: tests, metric: failed, maxx: 0 }
            """)
        #expect(found.count == 2)
        #expect(found[0].description == "gate.yml:5:45: error: unknown key 'maxx' in a criterion")
        #expect(found[0].hint == "did you mean 'max'?")
        #expect(found[1].message == "criterion 'a' has no threshold")
    }

    @Test func badThresholdTypesAreLocated() throws {
        let found = try diagnostics("""
            gate: g
            inputs:
              tests: { junit: "*.xml" }
            criteria:
              - id: a
                source: tests
                metric: failed
                max: lots
            """)
        #expect(found.map(\.description) == ["gate.yml:8:10: error: criterion 'a': max must be a number, found 'lots'"])
    }

    @Test func unknownSourcesAndMetricsSuggestTheNearestName() throws {
        let found = try diagnostics("""
            gate: g
            inputs:
              tests: { junit: "*.xml" }
              scan: { sarif: "*.sarif" }
            criteria:
              - { id: a, source: test, metric: failed, max: 0 }
              - { id: b, source: scan, metric: high_or_abve, max: 0 }
              - { id: c, source: tests, path: "x.y", max: 0 }
            """)
        #expect(found.map(\.location.line) == [6, 7, 8])
        #expect(found[0].message == "criterion 'a' uses unknown source 'test'")
        #expect(found[0].hint == "did you mean 'tests'?")
        #expect(found[0].location.column == 22)
        #expect(found[1].message == "criterion 'b': 'high_or_abve' is not a sarif metric")
        #expect(found[1].hint == "did you mean 'high_or_above'?")
        #expect(found[2].message.contains("path applies only to a json source"))
    }

    @Test func everyProblemIsReportedAtOnce() throws {
        let found = try diagnostics("""
            gate: g
            inputs:
              tests: { junitt: "*.xml" }
              perf: { json: p.json }
            criteria:
              - { id: a, source: perf, metric: p95, max: 1 }
              - { id: a, rehearsal: true, max: 3 }
              - { id: c, source: perf, path: "a.b", min: 5, max: 1 }
            decision: { proceed_max_warnings: 3, conditional_max_warnings: 1 }
            waivers:
              - { criterion: cc, reason: r, expires: 2026-02-30 }
            extra: 1
            """)
        let messages = found.map(\.message)
        #expect(messages.contains("unknown key 'junitt' in source 'tests'"))
        #expect(messages.contains("criterion 'a': a json source is read by path, not metric"))
        #expect(messages.contains("criterion 'a' is a rehearsal criterion; 'max' does not apply to it"))
        #expect(messages.contains("duplicate criterion id 'a'"))
        #expect(messages.contains("criterion 'c': min (5.0) is above max (1.0); nothing could pass"))
        #expect(messages.contains("decision.conditional_max_warnings (1) is below proceed_max_warnings (3)"))
        #expect(messages.contains("a waiver's expires '2026-02-30' is not a date"))
        #expect(messages.contains("a waiver names unknown criterion 'cc'"))
        #expect(messages.contains("unknown key 'extra' in the gate policy"))
        #expect(found.allSatisfy { $0.location.file == "gate.yml" && $0.location.line > 1 })
    }

    @Test func yamlSyntaxErrorsAreLocated() throws {
        let found = try diagnostics("gate: g\ncriteria: [ { id: a\n")
        #expect(found.first?.message.hasPrefix("YAML syntax error") == true)
    }

    @Test func calendarDaysParseStrictly() {
        #expect(CalendarDay(parsing: "2024-02-29") == CalendarDay(year: 2024, month: 2, day: 29))
        #expect(CalendarDay(parsing: "2023-02-29") == nil)
        #expect(CalendarDay(parsing: "2026-1-5") == nil)
        #expect(CalendarDay(year: 2026, month: 12, day: 31) < CalendarDay(year: 2027, month: 1, day: 1))
    }
}
