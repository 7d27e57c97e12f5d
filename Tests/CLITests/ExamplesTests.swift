import Foundation
import Testing

/// The Swift programs in Examples/, run as a user would run them.
@Suite struct ExamplesTests {
    let provision = Tool.built("provision-saga")
    let gateCheck = Tool.built("gate-check")

    // MARK: provision-saga

    @Test func provisionSagaProvisionsEverything() throws {
        let scratch = try ScratchCopy()
        let result = try Tool.run(provision, ["--root", scratch.url("machine").path], in: scratch.root)
        #expect(result.status == 0, "\(result.output)")
        #expect(result.stdout.contains("completed: 'shop' is provisioned"))
        #expect(scratch.exists("machine/srv/shop/data"))
        #expect(scratch.exists("machine/srv/shop/logs"))
        let config = try #require(scratch.read("machine/etc/shop.conf"))
        #expect(config.contains("name = shop"))
        let link = try FileManager.default.destinationOfSymbolicLink(atPath: scratch.url("machine/enabled/shop").path)
        #expect(link.hasPrefix("../registry/svc-") && link.hasSuffix(".json"))
        // The link names the registry entry that exists.
        #expect(scratch.exists("machine/" + link.dropFirst(3)))
        #expect(scratch.exists("machine/state/.belay/runs"))
    }

    @Test(arguments: ["directories", "config", "register", "enable"])
    func provisionSagaCompensatesAFailureAtEveryStep(step: String) throws {
        let scratch = try ScratchCopy()
        let result = try Tool.run(provision, ["--root", scratch.url("machine").path, "--fail-at", step], in: scratch.root)
        #expect(result.status == 1, "\(result.output)")
        #expect(result.stdout.contains("failing on purpose after '\(step)'"))
        #expect(result.stdout.contains("every started step was compensated"))
        // Nothing the saga made is left: only the machine's own empty folders.
        for folder in ["srv", "etc", "registry", "enabled"] {
            let contents = try FileManager.default.contentsOfDirectory(atPath: scratch.url("machine/\(folder)").path)
            #expect(contents.isEmpty, "left in \(folder): \(contents)")
        }
        #expect(result.stdout.contains("on disk: nothing"))
    }

    @Test func provisionSagaCompensatesNewestFirstWithTheValuesItsStepsReturned() throws {
        let scratch = try ScratchCopy()
        let result = try Tool.run(provision, ["--root", scratch.url("m").path, "--fail-at", "enable"], in: scratch.root)
        #expect(result.status == 1)
        let lines = result.stdout.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
        let undo = lines.filter { $0.hasPrefix("- ") }
        #expect(undo.count == 4)
        #expect(undo.first == "- disabled enabled/shop")
        #expect(undo.last == "- removed srv/shop/logs, srv/shop/data, srv/shop")
        // The registration's compensation got the id its run returned.
        let registered = try #require(lines.first { $0.hasPrefix("+ registered ") })
        let id = registered.dropFirst("+ registered ".count)
        #expect(undo.contains("- deregistered \(id)"))
    }

    @Test func provisionSagaLeavesSomeoneElsesAppAlone() throws {
        let scratch = try ScratchCopy()
        let root = scratch.url("machine").path
        #expect(try Tool.run(provision, ["--root", root], in: scratch.root).status == 0)
        let again = try Tool.run(provision, ["--root", root], in: scratch.root)
        #expect(again.status == 1)
        #expect(again.stdout.contains("'shop' is already provisioned"))
        #expect(scratch.exists("machine/srv/shop/.owner"))
        #expect(scratch.exists("machine/etc/shop.conf"))
        #expect(scratch.exists("machine/enabled/shop"))
    }

    // MARK: gate-check

    private func gateFolder(failedTests: Int = 0, lineRate: Double = 0.9) throws -> ScratchCopy {
        let scratch = try ScratchCopy()
        try scratch.write("gate.yml", """
            gate: example
            inputs:
              tests:    { junit: "reports/*.xml" }
              coverage: { cobertura: coverage.xml }
            criteria:
              - { id: tests-pass, source: tests, metric: failed, max: 0, key: true }
              - { id: rollback, rehearsal: true, key: true }
              - { id: coverage, source: coverage, metric: line_rate, min: 0.80, warn_below: 0.85 }
            decision: { proceed_max_warnings: 0, conditional_max_warnings: 1 }
            """)
        let cases = (0..<4).map { i in
            i < failedTests ? #"<testcase name="t\#(i)"><failure message="boom"/></testcase>"# : #"<testcase name="t\#(i)"/>"#
        }
        try scratch.write("reports/unit.xml", "<testsuite name=\"unit\">\(cases.joined())</testsuite>\n")
        try scratch.write("coverage.xml", "<coverage line-rate=\"\(lineRate)\" branch-rate=\"0.8\"></coverage>\n")
        return scratch
    }

    @Test func gateCheckProceedsWithGreenEvidenceAndARehearsal() throws {
        let scratch = try gateFolder()
        let result = try Tool.run(gateCheck, ["gate.yml", "--rehearsal", "passed"], in: scratch.root)
        #expect(result.status == 0, "\(result.output)")
        #expect(result.stdout.hasPrefix("PROCEED — gate 'example', 0 warnings"))
        #expect(result.stdout.contains("✓ tests-pass (key): 0"))
    }

    @Test func gateCheckBlocksOnAFailingTestAndSaysWhy() throws {
        let scratch = try gateFolder(failedTests: 1)
        let result = try Tool.run(gateCheck, ["gate.yml", "--rehearsal", "passed"], in: scratch.root)
        #expect(result.status == 1)
        #expect(result.stdout.hasPrefix("BLOCK"))
        #expect(result.stdout.contains("✗ tests-pass (key): 1"))
        #expect(result.stdout.contains("because:\n  - key criterion 'tests-pass'"))
    }

    @Test func gateCheckBlocksWithoutARehearsal() throws {
        let scratch = try gateFolder()
        let result = try Tool.run(gateCheck, ["gate.yml"], in: scratch.root)
        #expect(result.status == 1)
        #expect(result.stdout.contains("✗ rollback (key): no evidence"))
    }

    @Test func gateCheckIsConditionalOnAWarningAndTakesEvidenceFromTheCommandLine() throws {
        let scratch = try gateFolder()
        try scratch.write("other/low.xml", "<coverage line-rate=\"0.82\" branch-rate=\"0.8\"></coverage>\n")
        let result = try Tool.run(
            gateCheck, ["gate.yml", "--rehearsal", "passed", "--evidence", "coverage=other/low.xml"], in: scratch.root)
        #expect(result.status == 3, "\(result.output)")
        #expect(result.stdout.hasPrefix("CONDITIONAL_PROCEED — gate 'example', 1 warning"))
        #expect(result.stdout.contains("⚠ coverage: 0.82"))
    }

    @Test func gateCheckRejectsAnInvalidPolicyWithItsLocation() throws {
        let scratch = try ScratchCopy()
        try scratch.write("bad.yml", "gate: bad\ncriteria:\n  - { id: a, source: nowhere, metric: failed, max: 0 }\n")
        let result = try Tool.run(gateCheck, ["bad.yml"], in: scratch.root)
        #expect(result.status == 2)
        #expect(result.stderr.contains("bad.yml:3:"))
        #expect(result.stderr.contains("nothing was evaluated"))
    }
}
