import Foundation

/// Numbers picked out of JSON files by dotted paths: `metrics.http_req_duration.p95`, with array
/// indexes as segments (`runs.0.score`).
public enum JSONMetricsReader {
    /// Looks every path up in each file, in order; the first file holding a number there wins.
    /// A path found nowhere is simply absent from the result (the criterion reports it missing).
    public static func read(files: [String], paths: [String]) -> EvidenceState<EvidenceMetrics> {
        guard !files.isEmpty else { return .missing("no JSON file matched") }
        var documents: [(String, Any)] = []
        for file in files {
            if let empty: EvidenceState<EvidenceMetrics> = EvidenceFile.emptiness(file) { return empty }
            guard let data = FileManager.default.contents(atPath: file) else { return .unreadable("\(file) cannot be read") }
            do {
                documents.append((file, try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])))
            } catch {
                let ns = error as NSError
                let detail = (ns.userInfo[NSDebugDescriptionErrorKey] as? String) ?? ns.localizedDescription
                return .unreadable("\(file) is not valid JSON: \(detail)")
            }
        }
        var metrics = EvidenceMetrics()
        for path in paths {
            for (file, document) in documents {
                if let value = number(at: path, in: document) {
                    metrics.values[path] = value
                    metrics.notes.append("\(path) = \(format(value)) (\(file))")
                    break
                }
            }
        }
        return .ok(metrics)
    }

    /// The number at a dotted path, or `nil` when the path leads nowhere or to something else.
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
