/// Walks the skeleton of a SARIF log as it streams: the top-level members and each run's members,
/// handing every member's first token to a visitor that must consume exactly that value
/// (`JSONTokenizer.skip(from:)` for the ones it ignores).
struct SARIFLogWalker {
    typealias Visit = (_ key: String, _ first: JSONToken, _ tokenizer: inout JSONTokenizer) throws -> Void
    typealias VisitRun = (_ run: Int, _ key: String, _ first: JSONToken, _ tokenizer: inout JSONTokenizer) throws -> Void

    /// Returns the number of runs, or `nil` when the log has no `runs` member.
    static func walk(_ source: ByteSource, top: Visit, run: VisitRun) throws -> Int? {
        var tokenizer = JSONTokenizer(source)
        guard try tokenizer.next() == .beginObject else {
            throw JSONError(.wrongShape, "not a SARIF log: the top level is not an object", offset: tokenizer.tokenOffset)
        }
        var runCount: Int?
        while case .key(let key) = try tokenizer.next() {
            let first = try tokenizer.next()
            guard key == "runs" else {
                try top(key, first, &tokenizer)
                continue
            }
            guard first == .beginArray else {
                throw JSONError(.wrongShape, "not a SARIF log: \"runs\" is not a list", offset: tokenizer.tokenOffset)
            }
            var index = 0
            while true {
                let element = try tokenizer.next()
                if element == .endArray { break }
                guard element == .beginObject else {
                    throw JSONError(.wrongShape, "runs[\(index)] is not an object", offset: tokenizer.tokenOffset)
                }
                while case .key(let member) = try tokenizer.next() {
                    let value = try tokenizer.next()
                    try run(index, member, value, &tokenizer)
                }
                index += 1
            }
            runCount = index
        }
        guard try tokenizer.next() == .end else {
            throw JSONError(.malformed, "unexpected data after the SARIF log", offset: tokenizer.tokenOffset)
        }
        return runCount
    }
}
