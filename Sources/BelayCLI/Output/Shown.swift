import BelaySupport

/// A value that came from a user (a var, an output, a name, a note, an error quoting them) as it is
/// printed: control characters escaped and the text cut at `PrintableText.maxLineWidth` characters.
func shown(_ text: some StringProtocol) -> String { PrintableText.line(text) }
