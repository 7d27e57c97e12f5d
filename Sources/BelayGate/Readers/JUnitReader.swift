/// Test results from one or more JUnit XML files, counted from the testcases themselves (summary
/// attributes such as `tests="…"` on suites are ignored: they are often stale or wrong).
public struct JUnitSummary: Sendable, Hashable {
    public var tests = 0
    public var failures = 0
    public var errors = 0
    public var skipped = 0
    /// Tests that passed only after a rerun (Surefire `flakyFailure` / `flakyError`).
    public var flaky = 0
    /// The first failing tests, as `classname.name: message`.
    public var failing: [String] = []

    public init() {}

    /// Failures plus errors.
    public var failed: Int { failures + errors }
    public var passed: Int { tests - failed - skipped }
    /// passed / (passed + failed); `nil` when no test ran.
    public var passRate: Double? { passed + failed == 0 ? nil : Double(passed) / Double(passed + failed) }

    public var metrics: EvidenceMetrics {
        var values: [String: Double] = [
            "tests": Double(tests), "passed": Double(passed), "failed": Double(failed),
            "skipped": Double(skipped), "flaky": Double(flaky),
        ]
        values["pass_rate"] = passRate
        let more = failed > failing.count ? ["… and \(failed - failing.count) more failing"] : []
        return EvidenceMetrics(values: values, notes: failing + more)
    }

    mutating func add(_ other: JUnitSummary, failingLimit: Int) {
        tests += other.tests
        failures += other.failures
        errors += other.errors
        skipped += other.skipped
        flaky += other.flaky
        failing += other.failing.prefix(max(0, failingLimit - failing.count))
    }
}

/// Reads JUnit XML in its common variants: `<testsuites>` or `<testsuite>` roots, nested suites,
/// several outcomes in one testcase (error > failure > skipped), Surefire's flaky and rerun elements,
/// `status="notrun"`/`"disabled"`, CDATA and system-out anywhere.
public enum JUnitReader {
    /// Reads one file. A file without any testcase is `missing`: it proves nothing.
    public static func read(file path: String, failingLimit: Int = 20) -> EvidenceState<JUnitSummary> {
        if let empty: EvidenceState<JUnitSummary> = EvidenceFile.emptiness(path) { return empty }
        var handler = JUnitHandler(failingLimit: failingLimit)
        do {
            try XMLStream.parse(file: path, into: &handler)
        } catch {
            return .unreadable(EvidenceFile.describe(error, in: path))
        }
        if handler.summary.tests == 0 { return .missing("\(path) contains no testcase") }
        return .ok(handler.summary)
    }

    /// Reads and adds up several files; any unreadable file makes the whole source unreadable.
    public static func read(files: [String], failingLimit: Int = 20) -> EvidenceState<JUnitSummary> {
        var total = JUnitSummary()
        var empty: [String] = []
        for file in files {
            switch read(file: file, failingLimit: failingLimit) {
            case .ok(let summary): total.add(summary, failingLimit: failingLimit)
            case .missing(let reason): empty.append(reason)
            case .unreadable(let reason): return .unreadable(reason)
            }
        }
        if total.tests == 0 {
            return .missing(empty.isEmpty ? "no JUnit file matched" : empty.joined(separator: "; "))
        }
        return .ok(total)
    }

    /// Reads XML text held in memory (tests).
    public static func read(xml: String, failingLimit: Int = 20) -> EvidenceState<JUnitSummary> {
        var handler = JUnitHandler(failingLimit: failingLimit)
        do {
            try XMLStream.parse(string: xml, into: &handler)
        } catch {
            return .unreadable(EvidenceFile.describe(error, in: "<memory>"))
        }
        return handler.summary.tests == 0 ? .missing("no testcase") : .ok(handler.summary)
    }
}

/// Counts testcases as they stream past; keeps only the current testcase's name.
struct JUnitHandler: XMLEventHandler {
    let failingLimit: Int
    var summary = JUnitSummary()
    private var rootSeen = false
    private var inCase = false
    /// Open elements inside the current testcase (only its direct children carry outcomes).
    private var caseDepth = 0
    private var caseName: [UInt8] = []
    private var caseClass: [UInt8] = []
    private var hasError = false
    private var hasFailure = false
    private var isSkipped = false
    private var isFlaky = false
    private var message: String?

    init(failingLimit: Int) { self.failingLimit = failingLimit }

    mutating func startElement(_ element: XMLElement) throws {
        let name = element.name
        if !rootSeen {
            guard name == "testsuites" || name == "testsuite" else {
                throw EvidenceReadError("the root element is <\(name.rawString)>, not a JUnit <testsuites> or <testsuite>")
            }
            rootSeen = true
        }
        if inCase {
            if caseDepth == 0 { outcome(element) }
            caseDepth += 1
        } else if name == "testcase" {
            inCase = true
            caseDepth = 0
            hasError = false
            hasFailure = false
            isFlaky = false
            message = nil
            isSkipped = false
            if let status = element.attribute("status") {
                let value = try status.decoded().lowercased()
                isSkipped = value == "notrun" || value == "disabled" || value == "skipped"
            }
            if !element.isSelfClosing, summary.failing.count < failingLimit {
                caseName = element.attribute("name")?.raw.copyBytes() ?? []
                caseClass = element.attribute("classname")?.raw.copyBytes() ?? []
            }
        }
    }

    private mutating func outcome(_ element: XMLElement) {
        let name = element.name
        if name == "failure" || name == "rerunFailure" {
            hasFailure = true
            note(element)
        } else if name == "error" || name == "rerunError" {
            hasError = true
            note(element)
        } else if name == "skipped" {
            isSkipped = true
        } else if name == "flakyFailure" || name == "flakyError" {
            isFlaky = true
        }
    }

    private mutating func note(_ element: XMLElement) {
        guard message == nil, summary.failing.count < failingLimit else { return }
        let text = (try? element.attribute("message")?.decoded()) ?? nil
        message = text.map { firstLine($0, limit: 200) } ?? ""
    }

    mutating func endElement(_ name: XMLBytes) throws {
        guard inCase else { return }
        if caseDepth > 0 {
            caseDepth -= 1
            return
        }
        inCase = false
        summary.tests += 1
        if hasError || hasFailure {
            if hasError { summary.errors += 1 } else { summary.failures += 1 }
            if summary.failing.count < failingLimit {
                var id = XMLEntityText.decode(caseClass)
                let test = XMLEntityText.decode(caseName)
                id = id.isEmpty ? test : "\(id).\(test)"
                if let message, !message.isEmpty { id += ": \(message)" }
                summary.failing.append(id)
            }
        } else if isSkipped {
            summary.skipped += 1
        } else if isFlaky {
            summary.flaky += 1
        }
    }
}

/// Decodes a copied attribute value; a malformed one is shown raw rather than failing the report.
enum XMLEntityText {
    static func decode(_ bytes: [UInt8]) -> String {
        bytes.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return "" }
            let view = XMLBytes(base: base, count: buffer.count, offset: 0)
            return (try? XMLEntities.decode(view)) ?? view.rawString
        }
    }
}

func firstLine(_ text: String, limit: Int) -> String {
    let line = text.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: true).first.map(String.init) ?? ""
    let trimmed = line.trimmingWhitespace()
    return trimmed.count > limit ? String(trimmed.prefix(limit)) + "…" : trimmed
}

import BelaySupport
