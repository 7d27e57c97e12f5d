import Belay
import BelaySupport
import Foundation
import Synchronization

/// What a person sees while steps run, between the renderer's event lines: on a terminal, one
/// line per running action with its elapsed time ticking and the last line of its output; with
/// `--follow`, every line of output as it is written, prefixed by the step; elsewhere (a CI log),
/// a heartbeat line for an action running longer than the heartbeat interval.
///
/// Everything the renderer prints goes through `print`, so the ticking lines are erased before an
/// event line and drawn again after it, and the two never interleave.
final class LiveProgress: Sendable {
    enum Mode: Sendable, Equatable {
        /// Nothing between event lines (`--json`, the renderer's tests).
        case off
        /// Ticking lines at the bottom of a terminal.
        case ticking
        /// Output lines streamed as written, with heartbeats.
        case follow(heartbeat: Duration)
        /// A heartbeat line now and then, for logs that are not a terminal.
        case heartbeat(Duration)
    }

    /// The default heartbeat interval; `BELAY_HEARTBEAT` (a duration, `30s`, `500ms`) overrides it.
    static let defaultHeartbeat: Duration = .seconds(30)

    private struct Running {
        var label: String
        var started: ContinuousClock.Instant
        /// The log being written, relative to the workspace as journaled (a URL is made only when
        /// the log is read: one per event cost more than the rest of the line's rendering).
        var log: String?
        /// How far `--follow` has read the log, and the unfinished line read so far.
        var offset: UInt64 = 0
        var partial = ""
        var nextBeat: Duration
    }

    private struct State {
        var running: [String: Running] = [:]
        /// In the order they started, so the lines stay put.
        var order: [String] = []
        /// How many ticking lines are on the screen now.
        var drawn = 0
    }

    let mode: Mode
    private let workspace: URL
    private let output: TerminalOutput
    private let state = Mutex(State())

    init(mode: Mode, workspace: URL, output: TerminalOutput) {
        self.mode = mode
        self.workspace = workspace
        self.output = output
    }

    /// The mode for the standard output: ticking on a terminal, heartbeats elsewhere, streaming
    /// with `follow`; off with `json` (stdout is then JSON lines only).
    static func mode(json: Bool, follow: Bool, environment: [String: String] = ProcessInfo.processInfo.environment) -> Mode {
        if json { return .off }
        let beat = environment["BELAY_HEARTBEAT"].flatMap(DurationFormat.parse).flatMap { $0 > .zero ? $0 : nil }
            ?? defaultHeartbeat
        if follow { return .follow(heartbeat: beat) }
        return isatty(1) == 1 && environment["TERM"] != "dumb" ? .ticking : .heartbeat(beat)
    }

    /// Prints an event line (or several) above the ticking lines.
    func print(_ text: String) {
        state.withLock { state in
            output.write(erase(&state) + text + "\n" + draw(&state), .standardOutput)
        }
    }

    /// Keeps the set of running actions in step with the journal; called before the event's line
    /// is printed, so a finished action's last output comes before its outcome.
    func observe(_ event: JournalEvent) {
        guard mode != .off, let phase = event.phase, let step = event.step else { return }
        let id = "\(phase)/\(step)"
        switch event.event {
        case .stepStarted, .attemptStarted, .compensationStarted:
            let label = event.event == .compensationStarted || event.action == .compensate ? "\(id) (compensate)" : id
            let log = event.log
            state.withLock { state in
                if var running = state.running[id] {
                    if let log, log != running.log { flush(&running, final: true); running.log = log; running.offset = 0 }
                    running.label = label
                    state.running[id] = running
                } else {
                    state.running[id] = Running(label: label, started: .now, log: log, nextBeat: heartbeat ?? .zero)
                    state.order.append(id)
                }
            }
        case .stepSucceeded, .stepFailed, .stepWarning, .stepInterrupted, .compensationSucceeded,
            .compensationFailed, .compensationSkipped, .approvalRequested:
            state.withLock { state in
                guard var running = state.running.removeValue(forKey: id) else { return }
                state.order.removeAll { $0 == id }
                flush(&running, final: true)
            }
        default:
            break
        }
    }

    /// Redraws (or streams, or beats) every `tick` until cancelled.
    func start() -> Task<Void, Never>? {
        let tick: Duration
        switch mode {
        case .off: return nil
        case .ticking: tick = .milliseconds(250)
        case .follow(let beat), .heartbeat(let beat): tick = min(.milliseconds(200), beat / 4)
        }
        return Task { [self] in
            while !Task.isCancelled {
                try? await Task.sleep(for: tick)
                if Task.isCancelled { break }
                refresh()
            }
        }
    }

    /// Erases the ticking lines for good (before the recap).
    func stop(_ task: Task<Void, Never>?) {
        task?.cancel()
        state.withLock { state in
            for id in state.order { if var running = state.running[id] { flush(&running, final: true) } }
            output.write(erase(&state), .standardOutput)
        }
    }

    private var heartbeat: Duration? {
        switch mode {
        case .follow(let beat), .heartbeat(let beat): beat
        default: nil
        }
    }

    private func refresh() {
        state.withLock { state in
            switch mode {
            case .off: return
            case .ticking:
                output.write(erase(&state) + draw(&state), .standardOutput)
            case .follow, .heartbeat:
                let now = ContinuousClock.now
                for id in state.order {
                    guard var running = state.running[id] else { continue }
                    if case .follow = mode { flush(&running, final: false) }
                    let elapsed = now - running.started
                    if let beat = heartbeat, elapsed >= running.nextBeat {
                        output.write("  … still running: \(running.label) \(Self.elapsed(elapsed))\n", .standardOutput)
                        while running.nextBeat <= elapsed { running.nextBeat += beat }
                    }
                    state.running[id] = running
                }
            }
        }
    }

    /// `--follow`: prints the lines written to the action's log since the last read (`final`: the
    /// unfinished last line too, the action being over).
    private func flush(_ running: inout Running, final: Bool) {
        guard case .follow = mode, let log = running.log,
            let handle = try? FileHandle(forReadingFrom: workspace.appendingPathComponent(log))
        else { return }
        defer { try? handle.close() }
        try? handle.seek(toOffset: running.offset)
        let data = (try? handle.readToEnd()) ?? Data()
        running.offset += UInt64(data.count)
        var text = running.partial + String(decoding: data, as: UTF8.self)
        running.partial = ""
        if !final {
            guard let last = text.lastIndex(of: "\n") else {
                running.partial = text
                return
            }
            running.partial = String(text[text.index(after: last)...])
            text = String(text[...last])
        }
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        if lines.last?.isEmpty == true { lines.removeLast() }
        let prefix = output.paint("[\(running.label)]", .dim)
        for line in lines { output.write("  \(prefix) \(Self.printable(line))\n", .standardOutput) }
    }

    private func erase(_ state: inout State) -> String {
        defer { state.drawn = 0 }
        return state.drawn == 0 ? "" : "\u{1B}[\(state.drawn)A\r\u{1B}[J"
    }

    private func draw(_ state: inout State) -> String {
        guard mode == .ticking, !state.order.isEmpty else { return "" }
        let spinner = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"]
        let now = ContinuousClock.now
        let width = Self.terminalWidth()
        var text = ""
        for id in state.order {
            guard let running = state.running[id] else { continue }
            let elapsed = now - running.started
            let frame = spinner[Int(DurationFormat.milliseconds(elapsed) / 100) % spinner.count]
            var line = "  \(frame) \(running.label)  \(Self.elapsed(elapsed))"
            if let last = running.log.flatMap({ Self.lastLine(workspace.appendingPathComponent($0)) }) {
                line += "  │ " + last
            }
            text += output.paint(String(line.prefix(max(20, width - 1))), .dim) + "\n"
            state.drawn += 1
        }
        return text
    }

    /// `400ms`, `12s`, then `2m30s`: whole seconds from the first on, so a ticking line changes
    /// once a second.
    static func elapsed(_ duration: Duration) -> String {
        let ms = DurationFormat.milliseconds(duration)
        return ms >= 1000 && ms < 60_000 ? "\(ms / 1000)s" : DurationFormat.format(milliseconds: ms)
    }

    /// The last non-empty line of a log (read from its last 4 KiB).
    static func lastLine(_ log: URL) -> String? {
        guard let handle = try? FileHandle(forReadingFrom: log) else { return nil }
        defer { try? handle.close() }
        let end = (try? handle.seekToEnd()) ?? 0
        try? handle.seek(toOffset: end > 4096 ? end - 4096 : 0)
        let text = String(decoding: (try? handle.readToEnd()) ?? Data(), as: UTF8.self)
        return text.split(whereSeparator: { $0 == "\n" || $0 == "\r" }).last.map(printable).flatMap { $0.isEmpty ? nil : $0 }
    }

    /// A line without control characters, which would move the cursor under the ticking lines.
    static func printable(_ line: Substring) -> String {
        String(String.UnicodeScalarView(line.unicodeScalars.filter { $0 == "\t" || !CharacterSet.controlCharacters.contains($0) }))
            .trimmingWhitespace()
    }

    private static func terminalWidth() -> Int {
        var size = winsize()
        return ioctl(1, UInt(TIOCGWINSZ), &size) == 0 && size.ws_col > 0 ? Int(size.ws_col) : 80
    }
}
