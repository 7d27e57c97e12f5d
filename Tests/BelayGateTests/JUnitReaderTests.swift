import Testing
@testable import BelayGate

@Suite struct JUnitReaderTests {
    func summary(_ name: String) throws -> JUnitSummary {
        let state = JUnitReader.read(file: fixture("junit/\(name)"))
        return try #require(state.value, "\(state)")
    }

    @Test func countsFromTestcasesNotSummaryAttributes() throws {
        let s = try summary("testsuites-root.xml")
        #expect([s.tests, s.failures, s.errors, s.failed, s.skipped, s.passed, s.flaky] as [Int] == [6, 1, 1, 2, 1, 3, 0])
        #expect(s.passRate == 0.6)
        #expect(s.failing == [
            "app.Login.rejects a wrong password: expected 401, got 200",
            "app.Login.locks after 5 attempts: connection refused",
        ])
    }

    @Test func testsuiteRootSingleQuotesAndMissingAttributes() throws {
        let s = try summary("testsuite-root.xml")
        #expect([s.tests, s.failed, s.skipped, s.passed] as [Int] == [4, 1, 0, 3])
        #expect(s.failing == ["tests.test_api.test_post: bad \"body\" & more"])
    }

    @Test func nestedSuites() throws {
        let s = try summary("nested.xml")
        #expect([s.tests, s.failed, s.passed] as [Int] == [4, 1, 3])
        #expect(s.failing == ["b"])
    }

    @Test func severalOutcomesInOneTestcaseTakeTheWorst() throws {
        let s = try summary("several-outcomes.xml")
        #expect([s.tests, s.errors, s.failures, s.skipped, s.passed] as [Int] == [4, 1, 2, 1, 0])
        #expect(s.passRate == 0)
    }

    @Test func surefireFlakyAndRerunElements() throws {
        let s = try summary("surefire-flaky.xml")
        #expect([s.tests, s.failed, s.flaky, s.passed, s.skipped] as [Int] == [5, 2, 2, 3, 0])
        #expect(s.failing == [
            "com.example.AppTest.alwaysFails: nope", "com.example.AppTest.rerunErrorOnly: still broken",
        ])
    }

    @Test func notrunAndDisabledStatusesAreSkipped() throws {
        let s = try summary("status-notrun.xml")
        #expect([s.tests, s.skipped, s.failed, s.passed] as [Int] == [4, 2, 1, 1])
    }

    @Test func cdataCommentsAndSystemOutAreNotTestcases() throws {
        let s = try summary("cdata-and-output.xml")
        #expect([s.tests, s.failed, s.passed] as [Int] == [2, 1, 1])
        #expect(s.failing == ["c.other: m"])
    }

    @Test func severalFilesAddUp() throws {
        let state = JUnitReader.read(files: [fixture("junit/nested.xml"), fixture("junit/surefire-flaky.xml")])
        let s = try #require(state.value)
        #expect([s.tests, s.failed, s.flaky] as [Int] == [9, 3, 2])
    }

    @Test func emptyOrTestcaseFreeFilesAreMissingEvidence() {
        guard case .missing(let reason) = JUnitReader.read(file: fixture("junit/no-testcases.xml")) else {
            Issue.record("expected missing")
            return
        }
        #expect(reason.contains("no testcase"))
        guard case .missing(let emptyReason) = JUnitReader.read(file: fixture("junit/empty.xml")) else {
            Issue.record("expected missing")
            return
        }
        #expect(emptyReason.contains("empty"))
        guard case .missing = JUnitReader.read(files: []) else {
            Issue.record("expected missing")
            return
        }
    }

    @Test func otherXMLAndBrokenFilesAreUnreadableWithLocations() {
        guard case .unreadable(let notJUnit) = JUnitReader.read(file: fixture("junit/not-junit.xml")) else {
            Issue.record("expected unreadable")
            return
        }
        #expect(notJUnit.contains("<coverage>"))
        guard case .unreadable(let malformed) = JUnitReader.read(file: fixture("junit/malformed.xml")) else {
            Issue.record("expected unreadable")
            return
        }
        #expect(malformed.contains("malformed.xml:3:3:"))
        guard case .unreadable(let bomb) = JUnitReader.read(file: fixture("xml/billion-laughs.xml")) else {
            Issue.record("expected unreadable")
            return
        }
        #expect(bomb.contains("entity declarations are not allowed"))
        guard case .unreadable = JUnitReader.read(files: [fixture("junit/nested.xml"), fixture("xml/xxe.xml")]) else {
            Issue.record("one refused file makes the source unreadable")
            return
        }
    }

    @Test func metricsUseTheContractNames() throws {
        let metrics = try summary("testsuites-root.xml").metrics
        #expect(metrics.values == ["tests": 6, "passed": 3, "failed": 2, "skipped": 1, "flaky": 0, "pass_rate": 0.6])
    }
}
