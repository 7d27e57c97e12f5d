import Foundation
import Testing
@testable import BelayGate

@Suite struct CoverageAndMetricsTests {
    @Test func coberturaStatedRatesWin() throws {
        let s = try #require(CoberturaReader.read(file: fixture("coverage/cobertura-rates.xml")).value)
        #expect(s.lineRate == 0.8123)
        #expect(s.branchRate == 0.5)
        #expect([s.linesCovered, s.linesValid] as [Int] == [8123, 10000])
    }

    @Test func coberturaRatesAreComputedFromLinesWhenAbsent() throws {
        let s = try #require(CoberturaReader.read(file: fixture("coverage/cobertura-computed.xml")).value)
        #expect([s.linesCovered, s.linesValid] as [Int] == [4, 6])
        #expect([s.branchesCovered, s.branchesValid] as [Int] == [3, 6])
        #expect(s.lineRate == 4.0 / 6.0)
        #expect(s.branchRate == 0.5)
    }

    @Test func severalCoberturaFilesAddTheirCounts() throws {
        let s = try #require(CoberturaReader.read(files: [
            fixture("coverage/cobertura-rates.xml"), fixture("coverage/cobertura-computed.xml"),
        ]).value)
        #expect([s.linesCovered, s.linesValid] as [Int] == [8127, 10006])
        #expect(s.statedLineRate == nil)
    }

    @Test func coberturaRefusesOtherRoots() {
        guard case .unreadable(let reason) = CoberturaReader.read(file: fixture("junit/nested.xml")) else {
            Issue.record("expected unreadable")
            return
        }
        #expect(reason.contains("not a Cobertura"))
    }

    @Test func lcovUsesTotalsOrCountsDataLines() throws {
        let s = try #require(LcovReader.read(file: fixture("coverage/coverage.info")).value)
        #expect([s.linesCovered, s.linesValid] as [Int] == [10, 14])
        #expect([s.branchesCovered, s.branchesValid] as [Int] == [5, 8])
        #expect(s.metrics.values["line_rate"] == 10.0 / 14.0)
        #expect(s.metrics.values["branch_rate"] == 0.625)
    }

    @Test func lcovWithoutRecordsIsMissing() {
        guard case .missing = LcovReader.read(text: "TN:\n") else {
            Issue.record("expected missing")
            return
        }
    }

    @Test func jsonPathsReachNumbersOnly() throws {
        let paths = ["metrics.http_req_duration.p95", "runs.1.score", "flag", "text", "one", "zero", "nope.x",
                     "metrics.http_req_duration", "runs.5.score"]
        let m = try #require(JSONMetricsReader.read(files: [fixture("json/perf.json")], paths: paths).value)
        #expect(m.values == ["metrics.http_req_duration.p95": 420.5, "runs.1.score": 9, "one": 1, "zero": 0])
    }

    @Test func jsonFilesAreSearchedInOrder() throws {
        try withTemporaryDirectory { dir in
            try write(#"{"a": {"b": 1}}"#, to: dir + "/first.json")
            try write(#"{"a": {"b": 2}, "c": 3}"#, to: dir + "/second.json")
            let m = try #require(JSONMetricsReader.read(files: [dir + "/first.json", dir + "/second.json"], paths: ["a.b", "c"]).value)
            #expect(m.values == ["a.b": 1, "c": 3])
            try write("{ nope", to: dir + "/bad.json")
            guard case .unreadable = JSONMetricsReader.read(files: [dir + "/bad.json"], paths: ["a"]) else {
                Issue.record("expected unreadable")
                return
            }
        }
    }

    @Test func globsSupportStarQuestionMarkAndDoubleStar() throws {
        try withTemporaryDirectory { dir in
            for file in ["reports/a.xml", "reports/b.xml", "reports/unit/c.xml", "reports/unit/deep/d.xml", "reports/x1.txt",
                         "reports/.hidden.xml", "top.xml"] {
                try write("x", to: "\(dir)/\(file)")
            }
            func names(_ pattern: String) -> [String] {
                Glob.expand(pattern, relativeTo: dir).map { String($0.dropFirst(dir.count + 1)) }
            }
            #expect(names("reports/*.xml") == ["reports/a.xml", "reports/b.xml"])
            #expect(names("reports/**/*.xml") == ["reports/a.xml", "reports/b.xml", "reports/unit/c.xml", "reports/unit/deep/d.xml"])
            #expect(names("**/c.xml") == ["reports/unit/c.xml"])
            #expect(names("reports/x?.txt") == ["reports/x1.txt"])
            #expect(names("top.xml") == ["top.xml"])
            #expect(names("absent/*.xml").isEmpty)
            #expect(Glob.expand(dir + "/reports/*.xml", relativeTo: "/elsewhere").count == 2)
        }
    }
}
