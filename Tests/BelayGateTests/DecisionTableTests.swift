import Foundation
import Testing
@testable import BelayGate

/// The default release policy's decision table, driven with evidence built in memory.
@Suite struct DecisionTableTests {
    /// Values for every source of the release policy; defaults are comfortably passing.
    struct Values {
        var failed = 0.0, highVulns = 0.0, mediumVulns = 0.0
        var lineRate = 0.95, branchRate = 0.9, flaky = 0.0, skipped = 0.0, p95 = 100.0
        var missing: Set<String> = []
        var unreadable: Set<String> = []
    }

    /// The non-key criteria, each put in its warn range by `warn(_:in:)`.
    static let warnings = ["coverage", "branch-coverage", "flaky-tests", "skipped-tests", "medium-vulns", "p95-latency"]

    static func warn(_ id: String, in v: inout Values) {
        switch id {
        case "coverage": v.lineRate = 0.82
        case "branch-coverage": v.branchRate = 0.65
        case "flaky-tests": v.flaky = 5
        case "skipped-tests": v.skipped = 30
        case "medium-vulns": v.mediumVulns = 7
        case "p95-latency": v.p95 = 450
        case "tests-pass": v.failed = 1
        case "no-high-vulns": v.highVulns = 1
        default: Issue.record("unknown criterion \(id)")
        }
    }

    func evidence(_ v: Values) -> [SourceEvidence] {
        func source(_ name: String, _ kind: EvidenceKind, _ values: [String: Double]) -> SourceEvidence {
            let state: EvidenceState<EvidenceMetrics> =
                v.missing.contains(name) ? .missing("no file matched")
                : v.unreadable.contains(name) ? .unreadable("x.xml:1:1: broken") : .ok(EvidenceMetrics(values: values))
            return SourceEvidence(name: name, kind: kind, patterns: [], files: [], state: state)
        }
        return [
            source("tests", .junit, ["tests": 100, "failed": v.failed, "flaky": v.flaky, "skipped": v.skipped, "passed": 100 - v.failed]),
            source("security", .sarif, ["high_or_above": v.highVulns, "medium_or_above": v.mediumVulns + v.highVulns]),
            source("coverage", .cobertura, ["line_rate": v.lineRate, "branch_rate": v.branchRate]),
            source("perf", .json, ["metrics.http_req_duration.p95": v.p95]),
        ]
    }

    func evaluate(
        _ v: Values, rehearsal: RehearsalEvidence? = RehearsalEvidence(succeeded: true, runID: "r1"),
        policy: GatePolicy? = nil, today: CalendarDay = CalendarDay(year: 2026, month: 6, day: 1)
    ) throws -> GateReport {
        let policy = try policy ?? GatePolicy.load(path: releasePolicyPath)
        let evaluator = GateEvaluator(policy: policy, today: today, rehearsal: { _ in rehearsal })
        return evaluator.evaluate(evidence: evidence(v))
    }

    @Test func allPassingProceeds() throws {
        let report = try evaluate(Values())
        #expect(report.decision == .proceed)
        #expect(report.warnings == 0)
        #expect(report.criteria.allSatisfy { $0.status == .pass })
    }

    /// Every count of warnings from 0 to 6, each way of choosing them: 0-2 proceed, 3-4 are
    /// conditional, 5+ block.
    @Test(arguments: 0...6)
    func warningCountsFollowTheClassicMatrix(count: Int) throws {
        let expected: Decision = count <= 2 ? .proceed : count <= 4 ? .conditionalProceed : .block
        for offset in 0..<Self.warnings.count {
            var values = Values()
            var chosen: [String] = []
            for i in 0..<count {
                let id = Self.warnings[(offset + i) % Self.warnings.count]
                Self.warn(id, in: &values)
                chosen.append(id)
            }
            let report = try evaluate(values)
            #expect(report.warnings == count, "\(chosen)")
            #expect(report.decision == expected, "\(chosen)")
            #expect(Set(report.criteria.filter { $0.status == .warn }.map(\.id)) == Set(chosen))
        }
    }

    @Test func nonKeyFailuresAndMissingEvidenceCountAsWarnings() throws {
        var values = Values()
        values.lineRate = 0.5  // coverage fails (non-key): one warning
        values.p95 = 900  // p95 fails: one warning
        values.flaky = 5  // warn: one warning
        var report = try evaluate(values)
        #expect(report.warnings == 3)
        #expect(report.decision == .conditionalProceed)
        #expect(report.criteria.first { $0.id == "coverage" }?.status == .fail)

        values.missing = ["perf"]  // p95 now missing instead of failing: still one warning
        report = try evaluate(values)
        #expect(report.criteria.first { $0.id == "p95-latency" }?.status == .missing)
        #expect(report.warnings == 3)
        values.mediumVulns = 20
        values.skipped = 25
        report = try evaluate(values)
        #expect(report.warnings == 5)
        #expect(report.decision == .block)
        #expect(report.blocking.isEmpty)
        #expect(report.reasons.first?.contains("more than the 4") == true)
    }

    @Test(arguments: ["tests-pass", "no-high-vulns"])
    func eachKeyCriterionFailingAloneBlocks(id: String) throws {
        var values = Values()
        Self.warn(id, in: &values)
        let report = try evaluate(values)
        #expect(report.decision == .block)
        #expect(report.blocking.map(\.id) == [id])
        #expect(report.warnings == 0)
        #expect(report.reasons.first?.hasPrefix("key criterion '\(id)' failed") == true)
    }

    @Test func aFailedRehearsalBlocks() throws {
        let report = try evaluate(Values(), rehearsal: RehearsalEvidence(succeeded: false, runID: "r2", detail: "compensation failed"))
        #expect(report.decision == .block)
        #expect(report.blocking.map(\.id) == ["rollback"])
        #expect(report.blocking.first?.message == "the last rehearsal failed (run r2): compensation failed")
    }

    @Test(arguments: [("tests", "tests-pass"), ("security", "no-high-vulns")])
    func eachKeyCriterionMissingAloneBlocks(source: String, id: String) throws {
        for broken in ["missing", "unreadable"] {
            var values = Values()
            if broken == "missing" { values.missing = [source] } else { values.unreadable = [source] }
            let report = try evaluate(values)
            #expect(report.decision == .block)
            #expect(report.blocking.map(\.id) == [id])
            #expect(report.blocking.first?.status == .missing)
            #expect(report.blocking.first?.message.hasPrefix("evidence \(broken)") == true)
        }
    }

    @Test func noRehearsalEvidenceIsMissingAndBlocks() throws {
        let report = try evaluate(Values(), rehearsal: nil)
        #expect(report.decision == .block)
        #expect(report.blocking.map(\.id) == ["rollback"])
        #expect(report.blocking.first?.status == .missing)
        let withoutLookup = GateEvaluator(policy: try GatePolicy.load(path: releasePolicyPath)).evaluate(evidence: evidence(Values()))
        #expect(withoutLookup.blocking.map(\.id) == ["rollback"])
    }

    @Test func rehearsalMaxAgeRejectsStaleRehearsals() throws {
        let policy = try GatePolicy.parse(
            text: "gate: g\ncriteria:\n  - { id: rollback, rehearsal: true, key: true, max_age: 7d }\n", file: "g.yml", directory: ".")
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        let fresh = RehearsalEvidence(succeeded: true, finishedAt: now.addingTimeInterval(-86_400))
        let stale = RehearsalEvidence(succeeded: true, finishedAt: now.addingTimeInterval(-8 * 86_400))
        #expect(GateEvaluator(policy: policy, rehearsal: { _ in fresh }, now: now).evaluate(evidence: []).decision == .proceed)
        #expect(GateEvaluator(policy: policy, rehearsal: { _ in stale }, now: now).evaluate(evidence: []).decision == .block)
    }

    @Test func theRehearsalLookupIsAskedAboutThisPolicyAndPlaybook() throws {
        let policy = try GatePolicy.load(path: releasePolicyPath)
        let asked = Mutex<[RehearsalRequest]>([])
        _ = GateEvaluator(policy: policy, playbook: "deploy.yml", rehearsal: { request in
            asked.withLock { $0.append(request) }
            return nil
        }).evaluate(evidence: evidence(Values()))
        #expect(asked.withLock { $0 } == [RehearsalRequest(policyFile: releasePolicyPath, gate: "release", criterion: "rollback", playbook: "deploy.yml")])
    }

    // MARK: Waivers

    func policyWithWaiver(expires: String) throws -> GatePolicy {
        let text = try String(contentsOfFile: releasePolicyPath, encoding: .utf8)
            .replacingOccurrences(
                of: "waivers: []",
                with: "waivers:\n  - { criterion: coverage, reason: \"legacy module\", expires: \(expires) }\n  - { criterion: tests-pass, reason: \"known outage\", expires: 2026-01-31 }")
        return try GatePolicy.parse(text: text, file: "release.yml", directory: ".")
    }

    @Test func aWaiverHoldsThroughItsLastDay() throws {
        var values = Values()
        values.lineRate = 0.70  // fails min 0.80
        for today in [CalendarDay(year: 2026, month: 6, day: 1), CalendarDay(year: 2026, month: 12, day: 31)] {
            let report = try evaluate(values, policy: policyWithWaiver(expires: "2026-12-31"), today: today)
            let coverage = try #require(report.criteria.first { $0.id == "coverage" })
            #expect(coverage.status == .waived)
            #expect(coverage.waiver?.reason == "legacy module")
            #expect(coverage.message.hasPrefix("waived until 2026-12-31: legacy module"))
            #expect(report.warnings == 0)
            #expect(report.decision == .proceed)
        }
    }

    @Test func anExpiredWaiverNoLongerAppliesAndIsReported() throws {
        var values = Values()
        values.lineRate = 0.70
        let report = try evaluate(values, policy: policyWithWaiver(expires: "2026-12-31"), today: CalendarDay(year: 2027, month: 1, day: 1))
        let coverage = try #require(report.criteria.first { $0.id == "coverage" })
        #expect(coverage.status == .fail)
        #expect(coverage.expiredWaiver?.expires == CalendarDay(year: 2026, month: 12, day: 31))
        #expect(coverage.message.contains("waiver expired on 2026-12-31 (legacy module)"))
        #expect(report.warnings == 1)
        #expect(report.expiredWaivers.map(\.criterion) == ["coverage", "tests-pass"])  // policy order
    }

    @Test func aWaiverOnAKeyCriterionLiftsTheBlockOnlyWhileItHolds() throws {
        var values = Values()
        values.failed = 2
        let policy = try policyWithWaiver(expires: "2026-12-31")
        let during = try evaluate(values, policy: policy, today: CalendarDay(year: 2026, month: 1, day: 31))
        #expect(during.decision == .proceed)
        #expect(during.criteria.first { $0.id == "tests-pass" }?.status == .waived)
        let after = try evaluate(values, policy: policy, today: CalendarDay(year: 2026, month: 2, day: 1))
        #expect(after.decision == .block)
        #expect(after.expiredWaivers.map(\.criterion) == ["tests-pass"])
    }

    @Test func aCustomDecisionBlockMovesTheLimits() throws {
        let text = try String(contentsOfFile: releasePolicyPath, encoding: .utf8)
            .replacingOccurrences(of: "decision: { proceed_max_warnings: 2, conditional_max_warnings: 4 }",
                                  with: "decision: { proceed_max_warnings: 0, conditional_max_warnings: 1 }")
        let policy = try GatePolicy.parse(text: text, file: "release.yml", directory: ".")
        var values = Values()
        #expect(try evaluate(values, policy: policy).decision == .proceed)
        values.flaky = 5
        #expect(try evaluate(values, policy: policy).decision == .conditionalProceed)
        values.skipped = 30
        #expect(try evaluate(values, policy: policy).decision == .block)
    }
}

import Synchronization
