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
}
