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

    public var branchRate: Double? {
        statedBranchRate ?? (branchesValid > 0 ? Double(branchesCovered) / Double(branchesValid) : nil)
    }

    public var metrics: EvidenceMetrics {
        var values: [String: Double] = [:]
        values["line_rate"] = lineRate
        values["branch_rate"] = branchRate
        var notes = ["lines \(linesCovered)/\(linesValid)"]
        if branchesValid > 0 { notes.append("branches \(branchesCovered)/\(branchesValid)") }
        return EvidenceMetrics(values: values, notes: notes)
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
            summary.statedLineRate = try number(element.attribute("line-rate"))
            summary.statedBranchRate = try number(element.attribute("branch-rate"))
            if let covered = try number(element.attribute("lines-covered")), let valid = try number(element.attribute("lines-valid")) {
                statedLines = (Int(covered), Int(valid))
            }
            if let covered = try number(element.attribute("branches-covered")),
                let valid = try number(element.attribute("branches-valid"))
            {
                statedBranches = (Int(covered), Int(valid))
            }
            return
        }
        if name == "method" {
            methodDepth += 1
        } else if name == "line", methodDepth == 0 {
            summary.linesValid += 1
            if let hits = try number(element.attribute("hits")), hits > 0 { summary.linesCovered += 1 }
            if let branch = element.attribute("branch"), try branch.decoded() == "true",
                let condition = try element.attribute("condition-coverage")?.decoded(),
                let (covered, total) = fraction(condition)
            {
                summary.branchesCovered += covered
                summary.branchesValid += total
            }
        }
    }

    mutating func endElement(_ name: XMLBytes) throws {
        if name == "method" { methodDepth -= 1 }
    }

    func finish(_ path: String) -> EvidenceState<CoverageSummary> {
        var result = summary
        if let (covered, valid) = statedLines { (result.linesCovered, result.linesValid) = (covered, valid) }
        if let (covered, valid) = statedBranches { (result.branchesCovered, result.branchesValid) = (covered, valid) }
        if result.lineRate == nil { return .missing("\(path) measures no line") }
        return .ok(result)
    }

    private func number(_ text: XMLText?) throws -> Double? {
        guard let text else { return nil }
        let value = try text.decoded()
        guard let number = Double(value.trimmingWhitespace()) else {
            throw XMLError(.malformed, "'\(value)' is not a number", offset: text.raw.offset)
        }
        return number
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
        } catch {
            return .unreadable("\(path): \(error)")
        }
        return parser.finish(path)
    }

    public static func read(text: String) -> EvidenceState<CoverageSummary> {
        var parser = LcovParser()
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            try? parser.consume(Substring(line))
        }
        return parser.finish("<memory>")
    }

    public static func read(files: [String]) -> EvidenceState<CoverageSummary> {
        combine(files.map(read(file:)), noneMatched: "no lcov file matched")
    }
}

struct LcovParser {
    private var summary = CoverageSummary()
    private var records = 0
    // The current record: explicit totals, and counts from DA/BRDA lines.
    private var lf: Int?, lh: Int?, brf: Int?, brh: Int?
    private var da = 0, daHit = 0, brda = 0, brdaHit = 0
    private var open = false

    mutating func consume(_ raw: Substring) throws {
        let line = raw.hasSuffix("\r") ? raw.dropLast() : raw
        guard let colon = line.firstIndex(of: ":") else {
            if line == "end_of_record" { close() }
            return
        }
        let tag = line[..<colon]
        let value = line[line.index(after: colon)...]
        open = true
        switch tag {
        case "LF": lf = Int(value)
        case "LH": lh = Int(value)
        case "BRF": brf = Int(value)
        case "BRH": brh = Int(value)
        case "DA":
            let parts = value.split(separator: ",")
            da += 1
            if parts.count >= 2, let hits = Int(parts[1]), hits > 0 { daHit += 1 }
        case "BRDA":
            let parts = value.split(separator: ",")
            brda += 1
            if parts.count >= 4, let taken = Int(parts[3]), taken > 0 { brdaHit += 1 }
        default: break
        }
    }

    private mutating func close() {
        guard open else { return }
        records += 1
        summary.linesValid += lf ?? da
        summary.linesCovered += lh ?? daHit
        summary.branchesValid += brf ?? brda
        summary.branchesCovered += brh ?? brdaHit
        (lf, lh, brf, brh) = (nil, nil, nil, nil)
        (da, daHit, brda, brdaHit) = (0, 0, 0, 0)
        open = false
    }

    mutating func finish(_ path: String) -> EvidenceState<CoverageSummary> {
        close()
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
