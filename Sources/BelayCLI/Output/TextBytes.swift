import Belay

/// Text built as UTF-8 bytes, for output of tens of thousands of lines (`status`, `log`): one
/// buffer and a copy per piece, where a string per line and `+= piece.utf8` (a byte at a time for a
/// substring) cost more than reading the journal they tell.
extension Array<UInt8> {
    mutating func append(text: some StringProtocol) {
        let copied: Void? = text.utf8.withContiguousStorageIfAvailable { append(contentsOf: $0) }
        if copied == nil { append(contentsOf: text.utf8) }
    }

    mutating func append(ascii: Unicode.Scalar) { append(UInt8(ascii: ascii)) }

    /// `text`, then a newline.
    mutating func append(line text: some StringProtocol) {
        append(text: text)
        append(ascii: "\n")
    }

    /// A literal piece of text.
    static func += (text: inout [UInt8], piece: StaticString) {
        piece.withUTF8Buffer { text.append(contentsOf: $0) }
    }

    /// A step as `StepKey.description` writes it (`phase/step`), or nothing without one.
    mutating func append(step key: RunState.StepKey?) {
        guard let key else { return }
        append(text: key.phase)
        append(ascii: "/")
        append(text: key.step)
    }
}
