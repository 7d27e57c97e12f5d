import Foundation

/// Small output helpers shared by the subcommands: marks, colour only for people (a TTY, and
/// `NO_COLOR` unset), and writing to stderr.
enum Terminal {
    enum Stream {
        case standardOutput, standardError

        var descriptor: Int32 { self == .standardOutput ? 1 : 2 }
    }

    enum Color: String {
        case red = "31", green = "32", yellow = "33", bold = "1", dim = "2"
    }

    /// Colour is for a person at a terminal: never in a pipe or file, never when `NO_COLOR` is set
    /// (https://no-color.org).
    /// Asked once per stream: a report of 10,000 steps paints each of its marks.
    static func usesColor(_ stream: Stream) -> Bool {
        stream == .standardOutput ? colorOnStandardOutput : colorOnStandardError
    }

    private static let colorOnStandardOutput = colorWanted(on: .standardOutput)
    private static let colorOnStandardError = colorWanted(on: .standardError)

    private static func colorWanted(on stream: Stream) -> Bool {
        if let noColor = getenv("NO_COLOR"), noColor.pointee != 0 { return false }
        return isatty(stream.descriptor) == 1
    }

    static func paint(_ text: String, _ color: Color, for stream: Stream = .standardOutput) -> String {
        usesColor(stream) ? colored(text, color) : text
    }

    /// `text` in `color`, whoever reads it.
    static func colored(_ text: String, _ color: Color) -> String { "\u{1B}[\(color.rawValue)m\(text)\u{1B}[0m" }

    static func success(_ stream: Stream = .standardOutput) -> String { paint("✓", .green, for: stream) }
    static func failure(_ stream: Stream = .standardOutput) -> String { paint("✗", .red, for: stream) }

    /// Writes a line to stdout.
    static func print(_ text: String) {
        write(text + "\n", to: .standardOutput)
    }

    /// Writes a line to stderr, where diagnostics and progress go so stdout stays parseable.
    static func printError(_ text: String) {
        write(text + "\n", to: .standardError)
    }

    /// A reader that went away (`belay run … | head`, a dropped SSH session) must not stop a run
    /// half-way: the write error is ignored (SIGPIPE is ignored too, see `BelayCommand.launch`) and the
    /// saga goes on to its end, recorded in the journal as always.
    static func write(_ text: String, to stream: Stream) {
        try? handle(stream).write(contentsOf: Data(text.utf8))
    }

    /// `write` for text already in UTF-8 (`log`'s story): no string in between.
    static func write(bytes: [UInt8], to stream: Stream) {
        try? handle(stream).write(contentsOf: bytes)
    }

    private static func handle(_ stream: Stream) -> FileHandle {
        stream == .standardOutput ? FileHandle.standardOutput : FileHandle.standardError
    }
}
