/// The kinds of evidence file a policy source can name.
public enum EvidenceKind: String, Sendable, Hashable, Codable, CaseIterable {
    case junit, sarif, cobertura, lcov, json

    /// The metrics a criterion may name for this kind; `json` criteria use a `path` instead.
    public var metrics: [String] {
        switch self {
        case .junit: ["tests", "passed", "failed", "skipped", "flaky", "pass_rate"]
        case .sarif:
            [
                "findings", "critical", "high_or_above", "medium_or_above", "errors",
                "suppressed", "suppressed_error", "suppressed_warning", "suppressed_note",
            ]
        case .cobertura, .lcov: ["line_rate", "branch_rate"]
        case .json: []
        }
    }
}

/// What reading evidence produced. Missing evidence is never a pass: the evaluator treats `missing`
/// and `unreadable` alike (BLOCK for a key criterion, a warning otherwise) and says which it was.
public enum EvidenceState<Value: Sendable>: Sendable {
    case ok(Value)
    /// No file matched, the file is empty, or it holds nothing to count (a JUnit file without testcases).
    case missing(String)
    /// A file exists but cannot be trusted: malformed, refused, or the scan reported it did not finish.
    case unreadable(String)

    public var value: Value? {
        if case .ok(let value) = self { return value }
        return nil
    }

    public func map<T>(_ transform: (Value) -> T) -> EvidenceState<T> {
        switch self {
        case .ok(let value): .ok(transform(value))
        case .missing(let reason): .missing(reason)
        case .unreadable(let reason): .unreadable(reason)
        }
    }
}

extension EvidenceState: Equatable where Value: Equatable {}

/// The numbers a source yielded, by metric name (or by JSON path), plus notes for the report such
/// as the names of failing tests or the worst findings.
public struct EvidenceMetrics: Sendable, Hashable {
    public var values: [String: Double]
    public var notes: [String]
    /// Why a metric is absent though the file was read (e.g. no branch measured), by metric name:
    /// a criterion on it reports this reason as missing evidence.
    public var unmeasured: [String: String]

    public init(values: [String: Double] = [:], notes: [String] = [], unmeasured: [String: String] = [:]) {
        self.values = values
        self.notes = notes
        self.unmeasured = unmeasured
    }
}

/// One policy source after reading: which files it matched and what they said.
public struct SourceEvidence: Sendable {
    public var name: String
    public var kind: EvidenceKind
    /// The glob patterns used (from the policy, or from the command line when overridden).
    public var patterns: [String]
    public var files: [String]
    public var state: EvidenceState<EvidenceMetrics>

    public init(name: String, kind: EvidenceKind, patterns: [String], files: [String], state: EvidenceState<EvidenceMetrics>) {
        self.name = name
        self.kind = kind
        self.patterns = patterns
        self.files = files
        self.state = state
    }
}

/// Reading helpers shared by the readers.
enum EvidenceFile {
    /// `nil` when the file has content; else why it counts as missing or unreadable.
    static func emptiness<T>(_ path: String) -> EvidenceState<T>? {
        guard let size = fileSize(path) else { return .unreadable("\(path) cannot be read") }
        return size == 0 ? .missing("\(path) is empty") : nil
    }

    static func fileSize(_ path: String) -> Int? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return Int(info.st_size)
    }

    /// "file:line:col: message" for an XML or JSON error.
    static func describe(_ error: Error, in path: String) -> String {
        if let xml = error as? XMLError {
            if let line = xml.line, let column = xml.column { return "\(path):\(line):\(column): \(xml.message)" }
            return "\(path): \(xml.message)"
        }
        if let json = error as? JSONError {
            if let line = json.line, let column = json.column { return "\(path):\(line):\(column): \(json.explanation)" }
            if json.code != .io, let (line, column) = XMLStream.lineColumn(ofOffset: json.offset, inFile: path) {
                return "\(path):\(line):\(column): \(json.explanation)"
            }
            return "\(path): \(json.explanation)"
        }
        if let reader = error as? EvidenceReadError { return "\(path): \(reader.message)" }
        return "\(path): \(error)"
    }
}

/// A file that parsed but is not what its source says it is.
struct EvidenceReadError: Error {
    var message: String
    init(_ message: String) { self.message = message }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
