/// "Did you mean …?": the one place that guesses which known name a mistyped one meant, for
/// playbook keys, phases, steps, runs and commands alike.
public enum Suggestion {
    /// The candidate closest to `word` by edit distance, if it is close enough to be a likely typo;
    /// else one that differs by two neighbouring letters swapped (`biuld` for `build`, `tow` for
    /// `two`), the commonest typo, which edit distance misses on short names.
    public static func closest(to word: String, among candidates: [String]) -> String? {
        let scored = candidates.map { ($0, editDistance(word.lowercased(), $0.lowercased())) }
        if let best = scored.min(by: { $0.1 < $1.1 }), best.1 <= max(1, min(3, best.0.count / 3)) { return best.0 }
        return candidates.first { isTransposition(Array(word), Array($0)) }
    }

    /// `did you mean 'x'?`, or nil when nothing is close.
    public static func hint(for word: String, among candidates: [String]) -> String? {
        closest(to: word, among: candidates).map { "did you mean '\($0)'?" }
    }

    private static func isTransposition(_ a: [Character], _ b: [Character]) -> Bool {
        guard a.count == b.count, a != b else { return false }
        let differences = a.indices.filter { a[$0] != b[$0] }
        guard differences.count == 2, differences[1] == differences[0] + 1 else { return false }
        return a[differences[0]] == b[differences[1]] && a[differences[1]] == b[differences[0]]
    }

    /// Levenshtein distance over Unicode characters.
    public static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            }
            swap(&previous, &current)
        }
        return previous[b.count]
    }
}
