/// Text that came from users (vars, outputs, approver names, notes, log lines) made safe to print on
/// a terminal or to write into a commit message: control characters are shown escaped instead of
/// acting (an `ESC[2J` cannot clear the screen, a newline cannot start a new line), and a line is
/// cut at `maxLineWidth` characters with a marker saying how much was left out.
public enum PrintableText {
    /// The width a printed line is cut at (docs/operate.md).
    public static let maxLineWidth = 400

    /// `text` with every control character escaped: `\n`, `\r`, `\t` and `\e` by name, any other C0
    /// or C1 control and DEL as `\u{XX}`. Everything else, Unicode included, is left as it is.
    public static func escaped(_ text: some StringProtocol) -> String {
        guard text.unicodeScalars.contains(where: isControl) else { return String(text) }
        var out = ""
        out.reserveCapacity(text.utf8.count + 8)
        for scalar in text.unicodeScalars {
            guard isControl(scalar) else {
                out.unicodeScalars.append(scalar)
                continue
            }
            switch scalar {
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{1B}": out += "\\e"
            default: out += "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
            }
        }
        return out
    }

    /// `text` escaped, then cut at `width` characters with `… (N more bytes)`, N counting the
    /// bytes of `text` (plus `omitted`, bytes the caller never read) that were left out.
    public static func line(_ text: some StringProtocol, width: Int = maxLineWidth, omitted: Int = 0) -> String {
        let kept = text.prefix(width)
        let rest = text.utf8.count - kept.utf8.count + omitted
        return escaped(kept) + (rest > 0 ? "… (\(rest) more bytes)" : "")
    }

    static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value)
    }
}
