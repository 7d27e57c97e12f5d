import Foundation

/// Reads SARIF 2.1.0: every run, with rule metadata from the driver and its extensions, streamed.
///
/// A result is a finding when its `kind` is fail/open/review (absent = fail) and no suppression
/// covers it (`SuppressionRule`); suppressed results are counted apart, by level. Its level falls
/// back to the rule's `defaultConfiguration.level`, then `warning`. Its severity comes from
/// `security-severity` (result, then rule properties), else from severity tags, else from the level
/// (error → high, warning → medium, note → low).
///
/// What is not a clean scan: a run whose invocation did not execute successfully, or whose
/// `results` is not an array, makes the file unreadable; a run without `results` (absent or null:
/// the tool produced none) and a log with no run are missing evidence.
///
/// Memory stays flat whatever the number of results: a first pass keeps only each run's `tool`
/// and `invocations`; a second builds one result at a time. JSON is read strictly (`JSONTokenizer`).
public enum SARIFReader {
    /// The largest single result, or a run's `tool` / `invocations`, held in memory at once.
    static let maxValueBytes = 64 << 20

    public static func read(file path: String, noteLimit: Int = 20, suppressions: SuppressionRule = SuppressionRule())
        -> EvidenceState<SARIFSummary>
    {
        if let empty: EvidenceState<SARIFSummary> = EvidenceFile.emptiness(path) { return empty }
        do {
            return try read(name: path, noteLimit: noteLimit, suppressions: suppressions) {
                try ByteSource.file(path, chunkSize: JSONLimits.default.chunkSize)
            }
        } catch {
            return .unreadable(EvidenceFile.describe(error, in: path))
        }
    }

    public static func read(files: [String], noteLimit: Int = 20, suppressions: SuppressionRule = SuppressionRule())
        -> EvidenceState<SARIFSummary>
    {
        guard !files.isEmpty else { return .missing("no SARIF file matched") }
        var total = SARIFSummary()
        for file in files {
            switch read(file: file, noteLimit: noteLimit, suppressions: suppressions) {
            case .ok(let summary): total.add(summary, noteLimit: noteLimit)
            case .missing(let reason): return .missing(reason)
            case .unreadable(let reason): return .unreadable(reason)
            }
        }
        return .ok(total)
    }

    public static func read(data: Data, name: String, noteLimit: Int = 20, suppressions: SuppressionRule = SuppressionRule())
        -> EvidenceState<SARIFSummary>
    {
        let bytes = [UInt8](data)
        do {
            return try read(name: name, noteLimit: noteLimit, suppressions: suppressions) {
                ByteSource.bytes(bytes, chunkSize: JSONLimits.default.chunkSize)
            }
        } catch var error as JSONError {
            var counter = LineCounter()
            bytes.withUnsafeBufferPointer { counter.feed($0, upTo: error.offset) }
            (error.line, error.column) = (counter.line, counter.column)
            return .unreadable("\(name):\(error)")
        } catch {
            return .unreadable(EvidenceFile.describe(error, in: name))
        }
    }

    private static func read(
        name: String, noteLimit: Int, suppressions: SuppressionRule, open: () throws -> ByteSource
    ) throws -> EvidenceState<SARIFSummary> {
        let survey = try SARIFSurvey.take(open())
        if let problem = try survey.problem(name: name) { return problem }
        var counter = SARIFResultCounter(runs: survey.runs, noteLimit: noteLimit, suppressions: suppressions)
        _ = try SARIFLogWalker.walk(
            try open(),
            top: { _, first, tokenizer in try tokenizer.skip(from: first) },
            run: { run, key, first, tokenizer in
                guard key == "results", first == .beginArray else { return try tokenizer.skip(from: first) }
                var index = 0
                while true {
                    let token = try tokenizer.next()
                    if token == .endArray { break }
                    let result = try tokenizer.value(
                        from: token, maxBytes: maxValueBytes, what: "runs[\(run)].results[\(index)]")
                    counter.count(result, run: run)
                    index += 1
                }
            })
        return .ok(counter.summary)
    }
}

/// The first pass over a SARIF log: its version, and each run's tool, invocations and the shape
/// of its `results`, without keeping any result.
struct SARIFSurvey {
    enum ResultsShape { case absent, null, array, other(kind: String, offset: Int) }

    struct Run {
        var tool: JSONValue?
        var invocations: JSONValue?
        var results = ResultsShape.absent
    }

    var version: String?
    var runs: [Run] = []
    var hasRuns = false

    static func take(_ source: ByteSource) throws -> SARIFSurvey {
        var survey = SARIFSurvey()
        let count = try SARIFLogWalker.walk(
            source,
            top: { key, first, tokenizer in
                if key == "version", case .string(let text) = first { survey.version = text }
                try tokenizer.skip(from: first)
            },
            run: { index, key, first, tokenizer in
                while survey.runs.count <= index { survey.runs.append(Run()) }
                switch key {
                case "tool":
                    survey.runs[index].tool = try tokenizer.value(from: first, maxBytes: SARIFReader.maxValueBytes, what: "runs[\(index)].tool")
                case "invocations":
                    survey.runs[index].invocations = try tokenizer.value(
                        from: first, maxBytes: SARIFReader.maxValueBytes, what: "runs[\(index)].invocations")
                case "results":
                    switch first {
                    case .beginArray: survey.runs[index].results = .array
                    case .null: survey.runs[index].results = .null
                    default:
                        let offset = tokenizer.tokenOffset
                        let kind = try tokenizer.value(from: first, maxBytes: SARIFReader.maxValueBytes, what: "results").kindName
                        survey.runs[index].results = .other(kind: kind, offset: offset)
                        return
                    }
                    try tokenizer.skip(from: first)
                default:
                    try tokenizer.skip(from: first)
                }
            })
        survey.hasRuns = count != nil
        if let count { while survey.runs.count < count { survey.runs.append(Run()) } }
        return survey
    }

    /// Why the log cannot count as a scan, if it cannot: unreadable problems before missing ones.
    func problem(name: String) throws -> EvidenceState<SARIFSummary>? {
        guard hasRuns else { throw JSONError(.wrongShape, "not a SARIF log: it has no \"runs\" list", offset: 0) }
        if let version, !version.hasPrefix("2.") { return .unreadable("\(name) is SARIF \(version); only 2.1.0 is supported") }
        // No run means no scan was recorded: empty evidence, never a clean scan.
        if runs.isEmpty { return .missing("\(name) has no runs: it records no scan") }
        for (index, run) in runs.enumerated() {
            if let failure = executionFailure(run) {
                return .unreadable("\(name): runs[\(index)] (\(toolName(run))) did not complete: \(failure)")
            }
            if case .other(let kind, let offset) = run.results {
                throw JSONError(.wrongShape, "runs[\(index)].results is \(kind), not an array", offset: offset)
            }
        }
        // SARIF 2.1.0 §3.14.23: absent or null results mean the tool produced none (it failed); a clean scan writes [].
        for (index, run) in runs.enumerated() {
            switch run.results {
            case .absent, .null:
                return .missing("\(name): runs[\(index)] (\(toolName(run))) has no results: the tool produced no results")
            default: continue
            }
        }
        return nil
    }

    private func toolName(_ run: Run) -> String { run.tool?["driver"]?["name"]?.string ?? "unnamed tool" }

    private func executionFailure(_ run: Run) -> String? {
        for invocation in run.invocations?.array ?? [] {
            guard invocation["executionSuccessful"]?.bool == false else { continue }
            let notes = (invocation["toolExecutionNotifications"]?.array ?? []).compactMap { $0["message"]?["text"]?.string }
            return "executionSuccessful is false" + (notes.first.map { " (\($0))" } ?? "")
        }
        return nil
    }
}
