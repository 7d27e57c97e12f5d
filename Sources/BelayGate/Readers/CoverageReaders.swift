/// Line and branch coverage from Cobertura XML or lcov tracefiles.
public struct CoverageSummary: Sendable, Hashable {
    public var linesCovered = 0
    public var linesValid = 0
    public var branchesCovered = 0
    public var branchesValid = 0
    /// A rate stated by the file itself (Cobertura's `line-rate`), used as is for a single file.
    public var statedLineRate: Double?
    public var statedBranchRate: Double?

    public init() {}

    public var lineRate: Double? {
        statedLineRate ?? (linesValid > 0 ? Double(linesCovered) / Double(linesValid) : nil)
    }

    /// Whether the file stated its branch counts (Cobertura's `branches-valid`).
    public var branchCountsStated = false

    /// `nil` when no branch was measured: coverage.py and istanbul write `branch-rate="0"` (with
    /// `branches-valid="0"`, or no counts at all) when branch coverage was off, and not measured is
    /// not zero. A non-zero rate stated without counts still shows branches were measured.
    public var branchRate: Double? {
        if branchesValid > 0 { return statedBranchRate ?? Double(branchesCovered) / Double(branchesValid) }
        if !branchCountsStated, let stated = statedBranchRate, stated > 0 { return stated }
        return nil
    }

    public var metrics: EvidenceMetrics {
        var values: [String: Double] = [:]
        values["line_rate"] = lineRate
        values["branch_rate"] = branchRate
        var notes = ["lines \(linesCovered)/\(linesValid)"]
        var unmeasured: [String: String] = [:]
        if branchesValid > 0 {
            notes.append("branches \(branchesCovered)/\(branchesValid)")
        } else if branchRate == nil {
            unmeasured["branch_rate"] = "the coverage report measured no branch (branch coverage was not collected)"
        }
        return EvidenceMetrics(values: values, notes: notes, unmeasured: unmeasured)
    }

    /// Several files: the stated rates no longer apply; counts are added.
    static func combine(_ parts: [CoverageSummary]) -> CoverageSummary {
        if parts.count == 1 { return parts[0] }
        var total = CoverageSummary()
        for part in parts {
            total.linesCovered += part.linesCovered
            total.linesValid += part.linesValid
            total.branchesCovered += part.branchesCovered
            total.branchesValid += part.branchesValid
        }
        return total
    }
}

/// Reads Cobertura XML: `line-rate`/`branch-rate` on `<coverage>` when present, else computed from
/// the `<line hits=… branch=… condition-coverage="50% (1/2)">` elements of each class (lines repeated
/// under `<method>` are not counted twice).
public enum CoberturaReader {
    public static func read(file path: String) -> EvidenceState<CoverageSummary> {
        if let empty: EvidenceState<CoverageSummary> = EvidenceFile.emptiness(path) { return empty }
        var handler = CoberturaHandler()
        do {
            try XMLStream.parse(file: path, into: &handler)
        } catch {
            return .unreadable(EvidenceFile.describe(error, in: path))
        }
        return handler.finish(path)
    }

    public static func read(xml: String) -> EvidenceState<CoverageSummary> {
        var handler = CoberturaHandler()
        do {
            try XMLStream.parse(string: xml, into: &handler)
        } catch {
            return .unreadable(EvidenceFile.describe(error, in: "<memory>"))
        }
        return handler.finish("<memory>")
    }

    public static func read(files: [String]) -> EvidenceState<CoverageSummary> {
        combine(files.map(read(file:)), noneMatched: "no Cobertura file matched")
    }
}

struct CoberturaHandler: XMLEventHandler {
    private var summary = CoverageSummary()
    private var rootSeen = false
    private var methodDepth = 0
    private var statedLines: (Int, Int)?
    private var statedBranches: (Int, Int)?

    mutating func startElement(_ element: XMLElement) throws {
        let name = element.name
        if !rootSeen {
            guard name == "coverage" else {
                throw EvidenceReadError("the root element is <\(name.rawString)>, not a Cobertura <coverage>")
            }
            rootSeen = true
            summary.statedLineRate = try CoverageNumber.rate(element.attribute("line-rate"), "line-rate")
            summary.statedBranchRate = try CoverageNumber.rate(element.attribute("branch-rate"), "branch-rate")
            statedLines = try CoverageNumber.pair(element, covered: "lines-covered", valid: "lines-valid")
            statedBranches = try CoverageNumber.pair(element, covered: "branches-covered", valid: "branches-valid")
            return
        }
        if name == "method" {
            methodDepth += 1
        } else if name == "line", methodDepth == 0 {
            summary.linesValid += 1
            if let hits = try CoverageNumber.count(element.attribute("hits"), "hits"), hits > 0 { summary.linesCovered += 1 }
            if let branch = element.attribute("branch"), try branch.decoded() == "true",
                let condition = try element.attribute("condition-coverage")?.decoded(),
                let (covered, total) = fraction(condition)
            {
                // Each part is at most 2^53, so the sums stay far from overflow; finish() refuses totals past 2^53.
                let limit = Int(CoverageNumber.largestCount)
                summary.branchesCovered = min(summary.branchesCovered + min(covered, limit), limit + 1)
                summary.branchesValid = min(summary.branchesValid + min(total, limit), limit + 1)
            }
        }
    }

    mutating func endElement(_ name: XMLBytes) throws {
        if name == "method" { methodDepth -= 1 }
    }

    func finish(_ path: String) -> EvidenceState<CoverageSummary> {
        var result = summary
        if let (covered, valid) = statedLines { (result.linesCovered, result.linesValid) = (covered, valid) }
        if let (covered, valid) = statedBranches {
            (result.branchesCovered, result.branchesValid) = (covered, valid)
            result.branchCountsStated = true
        }
        if result.branchesValid > Int(CoverageNumber.largestCount) || result.branchesCovered > Int(CoverageNumber.largestCount) {
            return .unreadable("\(path): its branch totals exceed 2^53, which no real report reaches")
        }
        if result.lineRate == nil || statedLines?.1 == 0 { return .missing("\(path) measures no line") }
        return .ok(result)
    }

    /// "50% (1/2)" → (1, 2).
    private func fraction(_ text: String) -> (Int, Int)? {
        guard let open = text.firstIndex(of: "("), let slash = text.firstIndex(of: "/"),
            let close = text.firstIndex(of: ")"), open < slash, slash < close,
            let covered = Int(text[text.index(after: open)..<slash]),
            let total = Int(text[text.index(after: slash)..<close])
        else { return nil }
        return (covered, total)
    }
}

/// Reads lcov tracefiles: `LF`/`LH` and `BRF`/`BRH` per record, or the `DA`/`BRDA` lines when a
/// record has no totals.
public enum LcovReader {
    public static func read(file path: String) -> EvidenceState<CoverageSummary> {
        if let empty: EvidenceState<CoverageSummary> = EvidenceFile.emptiness(path) { return empty }
        var parser = LcovParser()
        do {
            try LineReader.forEachLine(inFile: path) { try parser.consume($0) }
        } catch let error as LcovCountError {
            return .unreadable("\(path):\(error)")
        } catch {
            return .unreadable("\(path): \(error)")
        }
        return parser.finish(path)
    }

    public static func read(text: String) -> EvidenceState<CoverageSummary> {
        var parser = LcovParser()
        do {
            for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
                try parser.consume(Substring(line))
            }
        } catch {
            return .unreadable("<memory>:\(error)")
        }
        return parser.finish("<memory>")
    }

    public static func read(files: [String]) -> EvidenceState<CoverageSummary> {
        combine(files.map(read(file:)), noneMatched: "no lcov file matched")
    }
}

/// A count in an lcov line that is not a whole number from 0 (lcov itself refuses negative counts).
struct LcovCountError: Error, CustomStringConvertible {
    var line: Int
    var text: String
    var description: String { "\(line): '\(text)' has a count that is not a whole number from 0" }
}

struct LcovParser {
    private var summary = CoverageSummary()
    private var records = 0
    private var lineNumber = 0
    // The current record: explicit totals, and counts from DA/BRDA lines.
    private var lf: Int?, lh: Int?, brf: Int?, brh: Int?
    private var da = 0, daHit = 0, brda = 0, brdaHit = 0
    private var open = false

    mutating func consume(_ raw: Substring) throws {
        lineNumber += 1
        let line = raw.hasSuffix("\r") ? raw.dropLast() : raw
        guard let colon = line.firstIndex(of: ":") else {
            if line == "end_of_record" { close() }
            return
        }
        let tag = line[..<colon]
        let value = line[line.index(after: colon)...]
        open = true
        switch tag {
        case "LF": lf = try count(value, line)
        case "LH": lh = try count(value, line)
        case "BRF": brf = try count(value, line)
        case "BRH": brh = try count(value, line)
        case "DA":
            let parts = value.split(separator: ",", omittingEmptySubsequences: false)
            guard parts.count >= 2 else { throw LcovCountError(line: lineNumber, text: String(line)) }
            da += 1
            if try count(parts[1], line) > 0 { daHit += 1 }
        case "BRDA":
            let parts = value.split(separator: ",", omittingEmptySubsequences: false)
            guard parts.count >= 4 else { throw LcovCountError(line: lineNumber, text: String(line)) }
            brda += 1
            // "-": the branch's block never ran, which lcov writes instead of 0.
            if parts[3] != "-", try count(parts[3], line) > 0 { brdaHit += 1 }
        default: break
        }
    }

    /// A whole count from 0; digits beyond `Int` still count as "more than zero".
    private func count(_ text: Substring, _ line: Substring) throws -> Int {
        let digits = text.trimmingPrefix(while: { $0 == " " })
        guard !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isNumber }) else {
            throw LcovCountError(line: lineNumber, text: String(line))
        }
        return Int(digits) ?? Int.max
    }

    /// Adds a record's totals; totals past 2^53 are not believable (and once overflowed `Int`:
    /// `LF:9223372036854775807` twice crashed the reader, found by `make fuzz`).
    private mutating func close() {
        guard open else { return }
        records += 1
        let limit = Int(CoverageNumber.largestCount)
        func add(_ total: inout Int, _ part: Int) {
            total = part > limit - total ? limit + 1 : total + part
        }
        add(&summary.linesValid, lf ?? da)
        add(&summary.linesCovered, lh ?? daHit)
        add(&summary.branchesValid, brf ?? brda)
        add(&summary.branchesCovered, brh ?? brdaHit)
        (lf, lh, brf, brh) = (nil, nil, nil, nil)
        (da, daHit, brda, brdaHit) = (0, 0, 0, 0)
        open = false
    }

    mutating func finish(_ path: String) -> EvidenceState<CoverageSummary> {
        close()
        let limit = Int(CoverageNumber.largestCount)
        if [summary.linesValid, summary.linesCovered, summary.branchesValid, summary.branchesCovered].contains(where: { $0 > limit }) {
            return .unreadable("\(path): its line or branch totals exceed 2^53, which no real report reaches")
        }
        guard records > 0 else { return .missing("\(path) holds no lcov record") }
        guard summary.linesValid > 0 else { return .missing("\(path) measures no line") }
        return .ok(summary)
    }
}

private func combine(_ states: [EvidenceState<CoverageSummary>], noneMatched: String) -> EvidenceState<CoverageSummary> {
    guard !states.isEmpty else { return .missing(noneMatched) }
    var parts: [CoverageSummary] = []
    for state in states {
        switch state {
        case .ok(let summary): parts.append(summary)
        case .missing(let reason): return .missing(reason)
        case .unreadable(let reason): return .unreadable(reason)
        }
    }
    return .ok(CoverageSummary.combine(parts))
}

import BelaySupport
