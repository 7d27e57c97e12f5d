import Foundation
import Testing

/// playbooks/release-gate, run in temporary copies: real tests, a real scan and real coverage feed a
/// gate step that decides whether the artifact is published.
@Suite struct ReleaseGateTests {
    private let folder = "release-gate"

    private func copy() throws -> ScratchCopy { try ScratchCopy(["playbooks/release-gate"]) }

    private func run(_ scratch: ScratchCopy, _ id: String, _ vars: [String] = []) throws -> ToolResult {
        try scratch.belay(["run", "\(folder)/playbook.yml", "--run-id", id] + vars.flatMap { ["--var", $0] })
    }

    private func rehearse(_ scratch: ScratchCopy) throws {
        let rehearsal = try scratch.belay(["rehearse", "\(folder)/playbook.yml"])
        #expect(rehearsal.status == 0, "\(rehearsal.output)")
        #expect(rehearsal.stdout.contains("✓ Rehearsal passed"))
    }

    /// The gate step's JSON report of a run: decision and each criterion's status.
    private func gateReport(_ scratch: ScratchCopy, run: String) throws -> (decision: String, criteria: [String: String]) {
        let data = try Data(contentsOf: scratch.url("\(folder)/.belay/runs/\(run)/gates/decide.gate.json"))
        let json = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let criteria = (json["criteria"] as? [[String: Any]] ?? []).reduce(into: [String: String]()) {
            $0[$1["id"] as? String ?? "?"] = $1["status"] as? String
        }
        return (json["decision"] as? String ?? "?", criteria)
    }

    /// The file names inside a published tarball, and one file's text (read with Python's tarfile).
    private func tarball(_ scratch: ScratchCopy, _ path: String, read member: String) throws -> String {
        let script = "import sys, tarfile; t = tarfile.open(sys.argv[1]); print(t.extractfile(sys.argv[2]).read().decode(), end='')"
        let result = try Tool.run(URL(fileURLWithPath: "/usr/bin/env"), ["python3", "-c", script, path, member], in: scratch.url(folder))
        #expect(result.status == 0, "\(result.output)")
        return result.stdout
    }

    @Test func withoutARehearsalTheGateBlocksAndNothingIsPublished() throws {
        let scratch = try copy()
        let result = try run(scratch, "unrehearsed")
        #expect(result.status == 1, "\(result.output)")
        #expect(result.stdout.contains("key criterion 'rollback' has no usable evidence"))
        let report = try gateReport(scratch, run: "unrehearsed")
        #expect(report.decision == "BLOCK")
        #expect(report.criteria["rollback"] == "missing")
        #expect(report.criteria["tests-pass"] == "pass")
        #expect(!scratch.exists("\(folder)/dist/shop-2.4.0.tar.gz"))
        #expect(!scratch.exists("\(folder)/build"))
    }

    @Test func aRehearsedGreenReleaseProceedsAndIsPublished() throws {
        let scratch = try copy()
        try rehearse(scratch)
        #expect(!scratch.exists("\(folder)/dist/shop-2.4.0.tar.gz"), "a rehearsal leaves the workspace as it was")
        let result = try run(scratch, "green")
        #expect(result.status == 0, "\(result.output)")
        #expect(result.stdout.contains("gate PROCEED"))
        let report = try gateReport(scratch, run: "green")
        #expect(report.decision == "PROCEED")
        #expect(report.criteria.values.allSatisfy { $0 == "pass" }, "\(report.criteria)")

        // The evidence is real: seven tests ran, coverage was measured, the scan ran clean.
        let junit = try #require(scratch.read("\(folder)/reports/junit.xml"))
        #expect(junit.components(separatedBy: "<testcase ").count - 1 == 7)
        #expect(!junit.contains("<failure"))
        let coverage = try #require(scratch.read("\(folder)/reports/coverage.xml"))
        #expect(coverage.contains(#"filename="pricing.py""#))
        let sarif = try #require(scratch.read("\(folder)/reports/secrets.sarif"))
        let scan = try #require(try JSONSerialization.jsonObject(with: Data(sarif.utf8)) as? [String: Any])
        #expect(scan["version"] as? String == "2.1.0")
        let runs = try #require(scan["runs"] as? [[String: Any]])
        #expect((runs.first?["results"] as? [Any])?.isEmpty == true)

        // The published artifact carries the version.
        let version = try tarball(scratch, "dist/shop-2.4.0.tar.gz", read: "app/version.py")
        #expect(version.contains(#"VERSION = "2.4.0""#))

        // The same decision by hand, and from the Swift example.
        let gate = try scratch.belay(["gate", "--policy", "\(folder)/release-gate.yml", "--playbook", "\(folder)/playbook.yml"])
        #expect(gate.status == 0, "\(gate.output)")
        #expect(gate.stdout.contains("PROCEED"))
        let check = try Tool.run(Tool.built("gate-check"), ["release-gate.yml", "--rehearsal", "passed"], in: scratch.url(folder))
        #expect(check.status == 0, "\(check.output)")
        #expect(check.stdout.hasPrefix("PROCEED — gate 'release'"))
    }

    @Test func aBrokenTestBlocksTheReleaseAndTheBuildIsUndone() throws {
        let scratch = try copy()
        try rehearse(scratch)
        #expect(try run(scratch, "first").status == 0)
        let result = try run(scratch, "broken", ["version=2.5.0", "break_test=true"])
        #expect(result.status == 1, "\(result.output)")
        #expect(result.stdout.contains("gate BLOCK"))
        #expect(result.stdout.contains("test_rounds_half_to_even"))
        let report = try gateReport(scratch, run: "broken")
        #expect(report.decision == "BLOCK")
        #expect(report.criteria["tests-pass"] == "fail")
        #expect(report.criteria["rollback"] == "pass")
        #expect(!scratch.exists("\(folder)/dist/shop-2.5.0.tar.gz"))
        #expect(!scratch.exists("\(folder)/build"))
        #expect(!scratch.exists("\(folder)/reports/junit.xml"))
        // The earlier release stays published.
        #expect(scratch.exists("\(folder)/dist/shop-2.4.0.tar.gz"))
    }

    @Test func aHardCodedSecretBlocksTheRelease() throws {
        let scratch = try copy()
        try rehearse(scratch)
        let result = try run(scratch, "leak", ["leak_secret=true"])
        #expect(result.status == 1, "\(result.output)")
        let report = try gateReport(scratch, run: "leak")
        #expect(report.decision == "BLOCK")
        #expect(report.criteria["no-high-vulns"] == "fail")
        #expect(report.criteria["tests-pass"] == "pass")
        #expect(!result.stdout.contains("IOSFODNN7EXAMPLE"), "the report never shows the secret")
        #expect(!scratch.exists("\(folder)/dist/shop-2.4.0.tar.gz"))
    }

    @Test func theTestRunnerFailsOnItsOwnWithoutReportOnly() throws {
        let scratch = try copy()
        let result = try scratch.shell(
            "BELAY_VAR_BREAK_TEST=true tools/build.sh 9.9.9 && mkdir -p reports && "
                + "python3 tools/run_tests.py --source build/app --tests tests --junit reports/j.xml --cobertura reports/c.xml",
            in: folder)
        #expect(result.status == 1)
        #expect(result.stdout.contains("6 passed, 1 failed"))
        let junit = try #require(scratch.read("\(folder)/reports/j.xml"))
        #expect(junit.contains("<failure message='AssertionError: assertion failed at test_pricing.py:9"))
    }
}
