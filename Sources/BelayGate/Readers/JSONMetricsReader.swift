import Foundation

/// Numbers picked out of JSON files by dotted paths: `metrics.http_req_duration.p95`, with array
/// indexes as segments (`runs.0.score`).
///
/// Files are streamed (`JSONTokenizer`), so only the numbers asked for are kept, and read strictly:
/// a duplicate key (`{"c":900,"c":100}`), a number that is not finite, or nesting deeper than the
/// limit makes the file unreadable, with its line and column.
public enum JSONMetricsReader {
    /// Looks every path up in each file, in order; the first file holding a number there wins.
    /// A path found nowhere is simply absent from the result (the criterion reports it missing).
    public static func read(files: [String], paths: [String]) -> EvidenceState<EvidenceMetrics> {
        guard !files.isEmpty else { return .missing("no JSON file matched") }
        var found: [(String, [String: Double])] = []
        for file in files {
            if let empty: EvidenceState<EvidenceMetrics> = EvidenceFile.emptiness(file) { return empty }
            do {
                let source = try ByteSource.file(file, chunkSize: JSONLimits.default.chunkSize)
                found.append((file, try numbers(at: Set(paths), in: source)))
            } catch {
                return .unreadable(EvidenceFile.describe(error, in: file))
            }
        }
        var metrics = EvidenceMetrics()
        for path in paths {
            for (file, values) in found {
                if let value = values[path] {
                    metrics.values[path] = value
                    metrics.notes.append("\(path) = \(format(value)) (\(file))")
                    break
                }
            }
        }
        return .ok(metrics)
    }

    /// The numbers found at `paths` in one JSON document; a path leading elsewhere is left out.
    static func numbers(at paths: Set<String>, in source: ByteSource) throws -> [String: Double] {
        var tokenizer = JSONTokenizer(source)
        var found: [String: Double] = [:]
        // The path of the value about to be read: keys and array indexes; `nil` in an array not yet indexed.
        var segments: [String] = []
        var arrayIndexes: [Int?] = []
        let wanted = paths.map { $0.split(separator: ".", omittingEmptySubsequences: false).count }.max() ?? 0
        func valueRead() {
            // After a value inside an array, the next one has the next index.
            if let last = arrayIndexes.last, let index = last {
                arrayIndexes[arrayIndexes.count - 1] = index + 1
                segments[segments.count - 1] = String(index + 1)
            }
        }
        while true {
            let token = try tokenizer.next(keepStrings: false)
            switch token {
            case .end: return found
            case .beginObject:
                segments.append("")
                arrayIndexes.append(nil)
            case .beginArray:
                segments.append("0")
                arrayIndexes.append(0)
            case .key(let key): segments[segments.count - 1] = key
            case .endObject, .endArray:
                segments.removeLast()
                arrayIndexes.removeLast()
                valueRead()
            case .number(let value):
                if segments.count <= wanted {
                    let path = segments.joined(separator: ".")
                    if paths.contains(path) { found[path] = value }
                }
                valueRead()
            case .string, .bool, .null:
                valueRead()
            }
        }
    }

    /// The number at a dotted path in a document already parsed by Foundation, or `nil` when the
    /// path leads nowhere or to something else.
    public static func number(at path: String, in document: Any) -> Double? {
        var current: Any = document
        for segment in path.split(separator: ".", omittingEmptySubsequences: false).map(String.init) {
            if let object = current as? [String: Any], let next = object[segment] {
                current = next
            } else if let array = current as? [Any], let index = Int(segment), index >= 0, index < array.count {
                current = array[index]
            } else {
                return nil
            }
        }
        // JSON booleans arrive as NSNumber too; their objCType is "c" (char), which no JSON number has.
        if let number = current as? NSNumber { return String(cString: number.objCType) == "c" ? nil : number.doubleValue }
        return nil
    }

    static func format(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(value)
    }
}
