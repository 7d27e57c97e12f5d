import Foundation
import Testing

/// `belay gate` through the real binary: exit codes, formats, --output and policy diagnostics.
@Suite struct GateCLITests {
    func belay(_ arguments: [String], in directory: String) throws -> ToolResult {
        try Tool.run(belayBinary, arguments, in: URL(fileURLWithPath: directory))
    }

    func withWorkspace(_ body: (String) throws -> Void) throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("belay-gate-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: url) }
        try body(url.path)
    }

    func write(_ text: String, _ path: String) throws {
        try FileManager.default.createDirectory(
            atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try text.write(toFile: path, atomically: true, encoding: .utf8)
    }

    /// A policy in `gates/` whose sources point at files next to it (which it must allow: globs stay
    /// in the policy's folder otherwise); the evidence given on the command line (relative to the
    /// workspace) decides the outcome.
    func setUp(_ dir: String) throws {
        try write("""
            gate: ci
            read_outside_policy_folder: true
            inputs:
              tests: { junit: "../reports/*.xml" }
              scan: { sarif: "../scan.sarif" }
              coverage: { cobertura: "../coverage.xml" }
            criteria:
              - { id: tests-pass, source: tests, metric: failed, max: 0, key: true }
              - { id: no-high-vulns, source: scan, metric: high_or_above, max: 0, key: true }
              - { id: coverage, source: coverage, metric: line_rate, min: 0.5, warn_below: 0.8 }
              - { id: branches, source: coverage, metric: branch_rate, min: 0.5, warn_below: 0.8 }
              - { id: few-skips, source: tests, metric: skipped, max: 10, warn_above: 0 }
            decision: { proceed_max_warnings: 1, conditional_max_warnings: 2 }
            """, dir + "/gates/ci.yml")
        try write(#"<testsuites><testsuite><testcase name="a"/><testcase name="b"/></testsuite></testsuites>"#, dir + "/reports/unit.xml")
        try write(#"<testsuite><testcase name="a"/><testcase name="b"><failure message="boom"/></testcase></testsuite>"#, dir + "/red/unit.xml")
        try write(#"<testsuite><testcase name="a"/><testcase name="s"><skipped/></testcase></testsuite>"#, dir + "/skips/unit.xml")
        try write(#"{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"t"}},"results":[]}]}"#, dir + "/scan.sarif")
        try write(#"<coverage line-rate="0.9" branch-rate="0.9"/>"#, dir + "/coverage.xml")
        try write(#"<coverage line-rate="0.7" branch-rate="0.7"/>"#, dir + "/low/coverage.xml")
    }

    @Test func proceedExitsZero() throws {
        try withWorkspace { dir in
            try setUp(dir)
            let result = try belay(["gate", "--policy", "gates/ci.yml"], in: dir)
            #expect(result.status == 0, "\(result.stderr)")
            #expect(result.stdout.contains("✓  PROCEED"))
        }
    }

    @Test func conditionalExitsThree() throws {
        try withWorkspace { dir in
            try setUp(dir)
            let result = try belay(["gate", "--policy", "gates/ci.yml", "--cobertura", "low/coverage.xml"], in: dir)
            #expect(result.status == 3, "\(result.stdout)\(result.stderr)")
            #expect(result.stdout.contains("CONDITIONAL_PROCEED"))
        }
    }

    @Test func blockExitsOne() throws {
        try withWorkspace { dir in
            try setUp(dir)
            let red = try belay(["gate", "--policy", "gates/ci.yml", "--junit", "red/*.xml"], in: dir)
            #expect(red.status == 1)
            #expect(red.stdout.contains("key criterion 'tests-pass' failed"))
            let tooManyWarnings = try belay(
                ["gate", "--policy", "gates/ci.yml", "--evidence", "tests=skips/*.xml", "--cobertura", "low/coverage.xml"], in: dir)
            #expect(tooManyWarnings.status == 1)
            let missing = try belay(["gate", "--policy", "gates/ci.yml", "--sarif", "nothing/*.sarif"], in: dir)
            #expect(missing.status == 1)
            #expect(missing.stdout.contains("no file matched 'nothing/*.sarif'"))
        }
    }

    @Test func aBadPolicyExitsTwoWithLocatedDiagnostics() throws {
        try withWorkspace { dir in
            try write("""
                gate: bad
                inputs:
                  tests: { junit: "*.xml" }
                criteria:
                  - { id: a, source: test, metric: failed, max: 0 }
                  - { id: b, source: tests, metric: failed, maximum: 0 }
                """, dir + "/bad.yml")
            let result = try belay(["gate", "--policy", "bad.yml"], in: dir)
            #expect(result.status == 2)
            #expect(result.stderr.contains("bad.yml:5:22: error: criterion 'a' uses unknown source 'test'"))
            #expect(result.stderr.contains("hint: did you mean 'tests'?"))
            #expect(result.stderr.contains("bad.yml:6:45: error: unknown key 'maximum' in a criterion"))
            #expect(result.stdout.isEmpty)
        }
    }

    @Test func usageErrorsExitTwo() throws {
        try withWorkspace { dir in
            try setUp(dir)
            let ambiguous = try belay(["gate", "--policy", "gates/ci.yml", "--lcov", "x.info"], in: dir)
            #expect(ambiguous.status == 2)
            #expect(ambiguous.stderr.contains("--lcov was given but the policy has no lcov source"))
            let unknown = try belay(["gate", "--policy", "gates/ci.yml", "--evidence", "test=x.xml"], in: dir)
            #expect(unknown.status == 2)
            let format = try belay(["gate", "--policy", "gates/ci.yml", "--format", "yaml"], in: dir)
            #expect(format.status == 2)
            let noPolicy = try belay(["gate", "--policy", "absent.yml"], in: dir)
            #expect(noPolicy.status == 2)
            #expect(noPolicy.stderr.contains("absent.yml:1:1: error: cannot read the policy file"))
        }
    }

    @Test func jsonFormatParsesAndMatchesTheContract() throws {
        try withWorkspace { dir in
            try setUp(dir)
            let result = try belay(["gate", "--policy", "gates/ci.yml", "--cobertura", "low/coverage.xml", "--format", "json"], in: dir)
            #expect(result.status == 3)
            let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
            #expect(Set(object.keys) == ["decision", "criteria", "evidence"])
            #expect(object["decision"] as? String == "CONDITIONAL_PROCEED")
            let criteria = try #require(object["criteria"] as? [[String: Any]])
            #expect(criteria.map { $0["id"] as? String } == ["tests-pass", "no-high-vulns", "coverage", "branches", "few-skips"])
            #expect(criteria.map { $0["status"] as? String } == ["pass", "pass", "warn", "warn", "pass"])
            for criterion in criteria {
                #expect(Set(criterion.keys) == ["id", "status", "key", "value", "threshold", "message"])
            }
            let coverage = try #require((object["evidence"] as? [String: Any])?["coverage"] as? [String: Any])
            #expect(coverage["files"] as? [String] == ["low/coverage.xml"])
        }
    }

    @Test func outputWritesTheReportToAFile() throws {
        try withWorkspace { dir in
            try setUp(dir)
            for (format, marker) in [("markdown", "## 🟢 PROCEED"), ("junit", "<testsuites name=\"belay gate\""), ("text", "PROCEED")] {
                let result = try belay(["gate", "--policy", "gates/ci.yml", "--format", format, "--output", "out/report.\(format)"], in: dir)
                #expect(result.status == 0)
                #expect(result.stdout.isEmpty)
                #expect(result.stderr.contains("PROCEED: report written to out/report.\(format)"))
                let written = try String(contentsOfFile: dir + "/out/report.\(format)", encoding: .utf8)
                #expect(written.contains(marker))
            }
        }
    }

    @Test func helpShowsExamples() throws {
        try withWorkspace { dir in
            let result = try belay(["gate", "--help"], in: dir)
            #expect(result.status == 0)
            #expect(result.stdout.contains("belay gate --policy release.yml --junit 'reports/**/*.xml' --sarif scan.sarif"))
            #expect(result.stdout.contains("Exit codes: 0 PROCEED, 1 BLOCK, 3 CONDITIONAL_PROCEED, 2 invalid policy"))
        }
    }
}
