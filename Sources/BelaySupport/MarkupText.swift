/// Text made safe inside XML or HTML, in element content and in quoted attributes alike: the five
/// markup characters as entities, a line break as `&#10;` (kept inside attributes), and the other
/// control characters, which XML 1.0 cannot carry, dropped.
public enum MarkupText {
    public static func escaped(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            case "\n": out += "&#10;"
            default:
                if scalar.value < 0x20, scalar != "\t" { continue }
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
