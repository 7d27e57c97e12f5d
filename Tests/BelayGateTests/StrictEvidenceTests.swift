import Foundation
import Testing
@testable import BelayGate

/// Evidence that is not what its format says is unreadable, with a location, never a crash or a
/// clean reading (docs/gate.md, "Evidence states").
@Suite struct StrictEvidenceTests {
    func unreadableReason<T>(_ state: EvidenceState<T>) -> String? {
        if case .unreadable(let reason) = state { return reason }
        return nil
    }

    // MARK: Numbers

    @Test(arguments: [
        #"branches-covered="NaN" branches-valid="10""#, #"lines-covered="-inf" lines-valid="10""#,
        #"lines-covered="1e30" lines-valid="1e31""#, #"branch-rate="NaN""#, #"line-rate="1.5""#,
        #"lines-covered="11" lines-valid="10""#,
    ])
    func coberturaNumbersOutOfRangeAreUnreadable(attributes: String) throws {
        try withTemporaryDirectory { dir in
            let path = dir + "/coverage.xml"
            try write("<?xml version=\"1.0\"?>\n<coverage line-rate=\"0.5\" \(attributes)><packages/></coverage>\n", to: path)
            let reason = try #require(unreadableReason(CoberturaReader.read(file: path)))
            #expect(reason.hasPrefix(path + ":2:"))
        }
    }

    @Test func lineHitsMustBeACount() {
        let xml = #"<coverage><packages><package><classes><class><lines><line number="1" hits="NaN"/></lines></class></classes></package></packages></coverage>"#
        #expect(unreadableReason(CoberturaReader.read(xml: xml))?.contains("hits=\"NaN\"") == true)
    }

    @Test func branchesNotMeasuredAreNotZero() throws {
        let xml = #"<coverage line-rate="0.9" branch-rate="0" lines-covered="9" lines-valid="10" branches-covered="0" branches-valid="0"><packages/></coverage>"#
        let summary = try #require(CoberturaReader.read(xml: xml).value)
        #expect(summary.lineRate == 0.9)
        #expect(summary.branchRate == nil)
        #expect(summary.metrics.unmeasured["branch_rate"]?.contains("measured no branch") == true)
    }

    @Test func lcovNegativeCountIsUnreadableWithItsLine() throws {
        try withTemporaryDirectory { dir in
            let path = dir + "/lcov.info"
            try write("SF:a.c\nDA:1,1\nDA:2,-3\nend_of_record\n", to: path)
            #expect(unreadableReason(LcovReader.read(file: path)) == "\(path):3: 'DA:2,-3' has a count that is not a whole number from 0")
        }
    }

    /// Found by `make fuzz`: totals that overflowed `Int` crashed the reader.
    @Test func lcovTotalsThatOverflowAreUnreadableNotACrash() {
        let text = "SF:a\nLF:9223372036854775807\nend_of_record\nSF:b\nLF:9223372036854775807\nend_of_record\n"
        #expect(unreadableReason(LcovReader.read(text: text))?.contains("exceed 2^53") == true)
    }

    // MARK: SARIF

    func sarif(_ runs: String) -> EvidenceState<SARIFSummary> {
        SARIFReader.read(data: Data(#"{"version":"2.1.0","runs":[\#(runs)]}"#.utf8), name: "scan.sarif")
    }

    @Test func resultsThatAreNotAnArrayAreUnreadable() {
        let reason = unreadableReason(sarif(#"{"tool":{"driver":{"name":"x"}},"results":42}"#))
        #expect(reason == "scan.sarif:1:70: runs[0].results is a number, not an array")
    }

    @Test(arguments: [#"{"tool":{"driver":{"name":"x"}}}"#, #"{"tool":{"driver":{"name":"x"}},"results":null}"#])
    func absentOrNullResultsAreMissing(run: String) {
        guard case .missing(let reason) = sarif(run) else {
            Issue.record("a run without results must be missing evidence")
            return
        }
        #expect(reason.contains("the tool produced no results"))
        #expect(sarif(#"{"tool":{"driver":{"name":"x"}},"results":[]}"#).value?.findings == 0)
    }

    @Test func duplicateKeysAndDeepNestingAreUnreadable() {
        #expect(unreadableReason(sarif(#"{"results":[],"results":[]}"#))?.contains("duplicate key \"results\"") == true)
        // Small objects are checked by a scan and large ones by a set: a duplicate is found in both,
        // and keys of a closed object do not leak into its parent's.
        let many = (0..<40).map { #""k\#($0)":1"# }.joined(separator: ",")
        #expect(unreadableReason(sarif(#"{"results":[{\#(many),"k3":2}]}"#))?.contains("duplicate key \"k3\"") == true)
        #expect(unreadableReason(sarif(#"{"results":[{"a":{"b":1}},{"b":{"a":1}}],"properties":{"results":1}}"#)) == nil)
        let deep = String(repeating: "[", count: 100_000)
        #expect(unreadableReason(sarif(#"{"results":[{"x":\#(deep)}]}"#))?.contains("nested deeper than 512") == true)
    }

    @Test func suppressionsAreCountedAndPoliciesMayDistrustThem() throws {
        let run = #"""
            {"tool":{"driver":{"name":"grype"}},"results":[
              {"ruleId":"a","level":"error","suppressions":[{"kind":"external"}]},
              {"ruleId":"b","level":"warning","suppressions":[{"kind":"inSource","status":"accepted"}]},
              {"ruleId":"c","level":"error","suppressions":[{"kind":"inSource","status":"underReview"}]},
              {"ruleId":"d","level":"note","suppressions":[{"kind":"inSource"}]}]}
            """#
        let spec = try #require(sarif(run).value)
        #expect(spec.findings == 1)
        #expect(spec.suppressed == ["error": 1, "warning": 1, "note": 1])
        let data = Data(#"{"version":"2.1.0","runs":[\#(run)]}"#.utf8)
        let strict = try #require(SARIFReader.read(
            data: data, name: "s", suppressions: SuppressionRule(trustWithoutStatus: false, trustExternal: false)).value)
        #expect(strict.findings == 3)
        #expect(strict.suppressed == ["warning": 1])
        let noExternal = try #require(SARIFReader.read(data: data, name: "s", suppressions: SuppressionRule(trustExternal: false)).value)
        #expect(noExternal.findings == 2)
    }

    @Test func aMillionResultsStreamInFlatMemory() throws {
        // Smaller here; Benchmarks/gate-memory.sh measures a million. Checks that results stream one at a time.
        var text = #"{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"x","rules":[{"id":"r","defaultConfiguration":{"level":"error"}}]}},"results":["#
        text += (0..<20_000).map { #"{"ruleId":"r","message":{"text":"m\#($0)"}}"# }.joined(separator: ",")
        text += "]}]}"
        let summary = try #require(SARIFReader.read(data: Data(text.utf8), name: "big.sarif").value)
        #expect(summary.findings == 20_000)
        #expect(summary.errors == 20_000)
    }

    // MARK: JSON metrics

    func metrics(_ json: String, _ paths: [String]) throws -> EvidenceState<EvidenceMetrics> {
        try withTemporaryDirectory { dir in
            let path = dir + "/m.json"
            try write(json, to: path)
            return JSONMetricsReader.read(files: [path], paths: paths).map { m in
                EvidenceMetrics(values: m.values, notes: m.notes.map { $0.replacingOccurrences(of: path, with: "m.json") })
            }
        }
    }

    @Test func duplicateJSONKeysAreUnreadableWithALocation() throws {
        let reason = try #require(unreadableReason(try metrics("{\"c\":900,\n \"c\":100}", ["c"])))
        #expect(reason.hasSuffix("m.json:2:2: duplicate key \"c\" in one object: which value counts is ambiguous"))
    }

    @Test func jsonPathsStillFindNumbers() throws {
        let state = try metrics(#"{"a":{"b":[1,{"c":2.5}],"t":true},"runs":[{"score":3},{"score":4}]}"#, ["a.b.1.c", "runs.1.score", "a.t", "a.b.0"])
        #expect(state.value?.values == ["a.b.1.c": 2.5, "runs.1.score": 4, "a.b.0": 1])
    }

    @Test(arguments: ["{\"c\":1e999}", String(repeating: "[", count: 10_000), "{\"c\":1} x", "{\"c\":01}", "{\"c\":\"\u{1}\"}"])
    func malformedOrHostileJSONIsUnreadable(json: String) throws {
        #expect(unreadableReason(try metrics(json, ["c"])) != nil)
    }

    // MARK: XML

    @Test(arguments: [
        (#"<testsuite><testcase name="a" time="<<computed>>"/></testsuite>"#, "'<' is not allowed in an attribute value"),
        (#"<testsuite><testcase name="a">&bogus;</testcase></testsuite>"#, "undefined entity '&bogus;'"),
        ("<testsuite><testcase name=\"a\">\u{0}</testcase></testsuite>", "NUL"),
        (#"<testsuite><testcase name="a" name="b"/></testsuite>"#, "attribute 'name' appears twice"),
        (#"<testsuite><testcase name="&bogus;"/></testsuite>"#, "undefined entity '&bogus;'"),
    ])
    func xmlThatIsNotWellFormedIsUnreadable(xml: String, message: String) throws {
        let reason = try #require(unreadableReason(JUnitReader.read(xml: xml)))
        #expect(reason.hasPrefix("<memory>:1:"))
        #expect(reason.contains(message))
    }

    @Test func deepXMLIsRefused() {
        let xml = "<testsuite>" + String(repeating: "<a>", count: 100_000)
        #expect(unreadableReason(JUnitReader.read(xml: xml))?.contains("nested deeper than 512") == true)
    }

    // MARK: Policy folder

    @Test func policyGlobsStayInsideThePolicyFolder() throws {
        let text = """
            gate: g
            inputs:
              tests: { junit: "/**/*.xml" }
              more: { junit: "../reports/*.xml" }
            criteria:
              - { id: t, source: tests, metric: failed, max: 0 }
            """
        do {
            _ = try GatePolicy.parse(text: text, file: "gate.yml", directory: ".")
            Issue.record("globs outside the policy's folder must be refused")
        } catch {
            let messages = error.diagnostics.map(\.message)
            #expect(messages.contains("source 'tests': '/**/*.xml' reaches outside the policy's folder"))
            #expect(messages.contains("source 'more': '../reports/*.xml' reaches outside the policy's folder"))
        }
        let allowed = try GatePolicy.parse(text: "read_outside_policy_folder: true\n" + text, file: "gate.yml", directory: ".")
        #expect(allowed.readsOutsideFolder)
    }

    @Test func aSymbolicLinkOutOfThePolicyFolderIsNotFollowed() throws {
        try withTemporaryDirectory { dir in
            try write("<testsuite><testcase name=\"a\"/></testsuite>", to: dir + "/outside/r.xml")
            try FileManager.default.createDirectory(atPath: dir + "/gate", withIntermediateDirectories: true)
            try FileManager.default.createSymbolicLink(atPath: dir + "/gate/reports", withDestinationPath: dir + "/outside")
            let policy = try GatePolicy.parse(
                text: "gate: g\ninputs: { tests: { junit: \"reports/*.xml\" } }\ncriteria:\n  - { id: t, source: tests, metric: failed, max: 0 }\n",
                file: dir + "/gate/gate.yml", directory: dir + "/gate")
            let report = try GateEvaluator(policy: policy).evaluate()
            #expect(report.criteria[0].message.contains("lies outside the policy's folder"))
        }
    }
}
