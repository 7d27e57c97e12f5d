/// Where the CLI's output goes and whether it may carry colour: the process's stdout and stderr by
/// default, a buffer in tests, so renderers can be checked without starting the binary.
struct TerminalOutput: Sendable {
    var write: @Sendable (_ text: String, _ stream: Terminal.Stream) -> Void
    var usesColor: @Sendable (_ stream: Terminal.Stream) -> Bool

    static let standard = TerminalOutput(
        write: { Terminal.write($0, to: $1) }, usesColor: { Terminal.usesColor($0) })

    func print(_ text: String) { write(text + "\n", .standardOutput) }

    func printError(_ text: String) { write(text + "\n", .standardError) }

    func paint(_ text: String, _ color: Terminal.Color, for stream: Terminal.Stream = .standardOutput) -> String {
        usesColor(stream) ? Terminal.colored(text, color) : text
    }
}
