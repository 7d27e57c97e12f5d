/// Replaces secret values with `***` in everything Belay writes: logs, journal, terminal.
///
/// Longer secrets are replaced first, so a secret that contains another is masked whole.
public struct SecretMasker: Sendable, Hashable {
    public static let mask = "***"
    private let secrets: [String]

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
        secrets = all.sorted { $0.count > $1.count }
    }

    /// Lines of a multi-line secret shorter than this are left alone: masking `}` or `--` everywhere
    /// would garble logs and hide nothing worth hiding.
    static let shortestMaskedLine = 4

    /// The values of the named environment variables in `environment`.
    public init(names: [String], environment: [String: String]) {
        self.init(values: names.compactMap { environment[$0] })
    }

    public var isEmpty: Bool { secrets.isEmpty }

    public func mask(_ text: String) -> String {
        guard !secrets.isEmpty else { return text }
        var text = text
        for secret in secrets where text.contains(secret) {
            text = text.replacing(secret, with: Self.mask)
        }
        return text
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
