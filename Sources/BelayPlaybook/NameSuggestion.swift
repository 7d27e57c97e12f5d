import BelaySupport

/// "Did you mean …?" for names a playbook defines (phases, steps, variables).
enum NameSuggestion {
    /// `Suggestion.closest`, plus the commonest typo it misses on short names: two neighbouring letters
    /// swapped (`biuld` for `build`).
    static func closest(to word: String, among candidates: [String]) -> String? {
        if let match = Suggestion.closest(to: word, among: candidates) { return match }
        return candidates.first { isTransposition(Array(word), Array($0)) }
    }

    static func hint(for word: String, among candidates: [String]) -> String? {
        closest(to: word, among: candidates).map { "did you mean '\($0)'?" }
    }

    private static func isTransposition(_ a: [Character], _ b: [Character]) -> Bool {
        guard a.count == b.count, a != b else { return false }
        let differences = a.indices.filter { a[$0] != b[$0] }
        guard differences.count == 2, differences[1] == differences[0] + 1 else { return false }
        return a[differences[0]] == b[differences[1]] && a[differences[1]] == b[differences[0]]
    }
}
