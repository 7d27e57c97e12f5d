/// Replaces secret values with `***` in everything Belay writes: logs, journal, terminal.
///
/// One pass of an Aho–Corasick automaton over the bytes finds every secret at once, in time linear in
/// the text whatever the number of secrets. Overlapping or touching occurrences are masked as one, so
/// a secret that contains another is masked whole.
public struct SecretMasker: Sendable, Hashable {
    public static let mask = "***"
    private let secrets: [String]
    private let automaton: SecretAutomaton?

    /// `values` are the secrets' values; empty ones are ignored (they would match everywhere).
    ///
    /// A multi-line secret (a private key, a certificate bundle) is also masked line by line, since
    /// logs are masked a line at a time and a command may print only part of it.
    public init(values: some Sequence<String>) {
        var all = Set<String>()
        for value in values where !value.isEmpty {
            all.insert(value)
            guard value.contains(where: \.isNewline) else { continue }
            for line in value.split(whereSeparator: \.isNewline) where line.count >= Self.shortestMaskedLine {
                all.insert(String(line))
            }
        }
        secrets = all.sorted()
        automaton = all.isEmpty ? nil : SecretAutomaton(secrets: secrets.map { Array($0.utf8) })
    }

    public static func == (lhs: SecretMasker, rhs: SecretMasker) -> Bool { lhs.secrets == rhs.secrets }
    public func hash(into hasher: inout Hasher) { hasher.combine(secrets) }

    /// Whether there is any secret to mask.
    var masksAnything: Bool { automaton != nil }

    /// A stream that masks a step's output as it arrives; nil when there is nothing to mask.
    func stream() -> MaskingStream? { automaton.map { MaskingStream(automaton: $0, mask: Self.mask) } }

    /// Lines of a multi-line secret shorter than this are left alone: masking `}` or `--` everywhere
    /// would garble logs and hide nothing worth hiding.
    static let shortestMaskedLine = 4

    /// The values of the named environment variables in `environment`, and `values`.
    public init(names: [String], environment: [String: String], values: [String] = []) {
        self.init(values: names.compactMap { environment[$0] } + values)
    }

    public var isEmpty: Bool { secrets.isEmpty }

    public func mask(_ text: String) -> String {
        guard var stream = stream() else { return text }
        var bytes = Array(text.utf8)
        var masked = bytes.withUnsafeBytes { stream.feed($0) }
        masked += stream.finish()
        bytes = masked
        return String(decoding: bytes, as: UTF8.self)
    }

    public func mask(_ text: String?) -> String? { text.map { mask($0) } }

    public func mask(_ values: [String: String]?) -> [String: String]? {
        values.map { $0.mapValues { mask($0) } }
    }

    /// The event with every free-text field masked.
    func mask(_ event: JournalEvent) -> JournalEvent {
        guard !secrets.isEmpty else { return event }
        var event = event
        event.outputs = mask(event.outputs)
        event.value = mask(event.value)
        event.error = mask(event.error)
        event.note = mask(event.note)
        return event
    }
}
