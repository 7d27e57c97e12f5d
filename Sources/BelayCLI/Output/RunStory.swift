import Belay
import BelaySupport
import Foundation

/// A journal told as a story for someone who was not there.
struct RunStory {
    let runID: String
    let workspace: URL
    /// The run's state after its last event: the header's and the footer's.
    let state: RunState
    /// Every event, for `lines()` and `json()`; `tell` reads them one at a time instead.
    let events: [JournalEvent]

    init(history: RunHistory) {
        self.init(runID: history.runID, workspace: history.workspace, state: history.state, events: history.events)
    }

    init(runID: String, workspace: URL, state: RunState, events: [JournalEvent]) {
        self.runID = runID
        self.workspace = workspace
        self.state = state
        self.events = events
    }

    /// The story of a run written out as it is told, one event at a time: memory does not grow
    /// with the journal. The header tells the state after the last event, so the story is held
    /// while the journal is read, then written after the header; a story longer than `heldLimit`
    /// bytes is dropped instead and told by reading the journal a second time. `write` is handed
    /// whole lines of UTF-8, each ending with a newline, many at a time.
    static func tell(
        runID: String, engine: Engine, heldLimit: Int = RunStory.heldLimit, write: ([UInt8]) -> Void
    ) throws(EngineError) {
        try tell(runID: runID, workspace: engine.workspace, from: ReadAhead(source: EngineEvents(engine: engine, runID: runID)),
                 heldLimit: heldLimit, write: write)
    }

    /// How much of a story `tell` holds to read the journal once (a 10,000-step run's is about 1.5 MB).
    static let heldLimit = 8 << 20

    /// `tell`, from any source of the run's events.
    static func tell(
        runID: String, workspace: URL, from source: some RunEventSource, heldLimit: Int, write: ([UInt8]) -> Void
    ) throws(EngineError) {
        let story = RunStory(runID: runID, workspace: workspace, state: RunState(), events: [])
        var teller = Teller(story: story)
        var held: [UInt8]? = []
        held!.reserveCapacity(min(heldLimit, 1 << 20))  // grown from empty by doubling, it was copied twenty times
        try source.forEachEvent { event in
            // Past the limit only the state is needed from this read: the story is told again.
            guard held != nil else { return teller.state.apply(event) }
            teller.tell(event, into: &held!)
            if held!.count > heldLimit { held = nil }
        }
        let told = RunStory(runID: runID, workspace: workspace, state: teller.state, events: [])
        write(Array(told.header().utf8))
        if let held {
            write(held)
        } else {
            var again = Teller(story: story)
            var chunk: [UInt8] = []
            try source.forEachEvent { event in
                again.tell(event, into: &chunk)
                if chunk.count >= 1 << 16 {
                    write(chunk)
                    chunk.removeAll(keepingCapacity: true)
                }
            }
            write(chunk)
        }
        write(Array(told.footer().utf8))
    }

    /// Folds a run's events one at a time and tells each one's lines (with day headings).
    private struct Teller {
        let story: RunStory
        var state = RunState()
        var exitCodes = ExitCodes()
        var day = StoryDay()
        /// The last event's text, its buffer kept from line to line.
        var line: [UInt8] = []

        /// Applies `event` and writes its text into `line`; false when it tells none.
        mutating func describe(_ event: borrowing JournalEvent) -> Bool {
            state.apply(event)
            line.removeAll(keepingCapacity: true)
            return story.describe(event, after: state, exitCodes: &exitCodes, into: &line)
        }

        /// `describe`, then the line with its time, after a day heading when the day changed.
        mutating func tell(_ event: borrowing JournalEvent, into text: inout [UInt8]) {
            guard describe(event) else { return }
            story.stamp(event.time, day: &day, into: &text)
            text.append(contentsOf: line)
            text.append(ascii: "\n")
        }
    }

    /// One event's line. It names its event by position in `events` rather than holding a
    /// copy: a long run's log would copy every event and every string in it.
    struct Line {
        var index: Int
        var seq: Int
        var time: String
        var text: String
    }

    func lines() -> [Line] {
        var teller = Teller(story: self)
        var result: [Line] = []
        result.reserveCapacity(events.count)
        for index in events.indices {
            guard teller.describe(events[index]) else { continue }
            let text = String(decoding: teller.line, as: UTF8.self)
            result.append(Line(index: index, seq: events[index].seq, time: events[index].time, text: text))
        }
        return result
    }

    /// Writes the text of `event`'s line (without its time or a newline), or returns false when
    /// the event tells none. `after` is the state with the event applied.
    ///
    /// Written as bytes, not as interpolated strings: `log` tells every event of a run, and the
    /// strings cost more than reading the journal. The events a long run has most of (a step
    /// started, succeeded or compensated) are written piece by piece; the rest as one string.
    private func describe(
        _ event: JournalEvent, after: RunState, exitCodes: inout ExitCodes,
        into text: inout [UInt8]
    ) -> Bool {
        let key = event.phase.flatMap { phase in event.step.map { RunState.StepKey(phase: phase, step: $0) } }
        var step: String { key?.description ?? "" }
        func ms(_ value: Int64?) -> String { value.map { " in " + DurationFormat.format(milliseconds: $0) } ?? "" }
        var logNote: String { event.log.map { " (log: \($0))" } ?? "" }
        switch event.event {
        case .stepStarted:
            text += "  ▶ "
            text.append(step: key)
            text += " started"
        case .stepSucceeded:
            let exit = key.flatMap { exitCodes.take($0) }
            let attempts = key.flatMap { after.step($0)?.attempts } ?? 1
            text += "  ✓ "
            text.append(step: key)
            text += " succeeded"
            text.append(text: ms(event.durationMs))
            if attempts > 1 { text.append(text: " after \(attempts) attempts") }
            if let exit { text += ", exit code "; text.append(text: String(exit)) }
            if let note = event.note { text.append(text: " (\(shown(note)))") }
            if let outputs = event.outputs, !outputs.isEmpty {
                text += "; outputs: "
                text.append(text: outputs.sorted { $0.key < $1.key }.map { "\($0.key)=\(shown($0.value))" }.joined(separator: " "))
            }
        case .compensationStarted:
            text += "  ↺ compensating "
            text.append(step: key)
        case .compensationSucceeded:
            text += "  ↺ "
            text.append(step: key)
            text += " compensated"
            text.append(text: ms(event.durationMs))
        case .processStarted:
            return false
        case .attemptStarted:
            let what = event.action == .compensate ? "compensation" : (event.action?.rawValue ?? "action")
            guard (event.attempt ?? 1) > 1 || event.action == .verify else { return false }
            text.append(text: "    \(what) attempt \(event.attempt ?? 1) of \(step) started")
        case .attemptFinished:
            if let key, let code = event.exitCode { exitCodes.record(code, for: key) }
            guard let error = event.error else { return false }
            let what = event.action == .compensate ? "compensation" : (event.action?.rawValue ?? "action")
            text.append(text: "    \(what) attempt \(event.attempt ?? 1) of \(step) failed\(ms(event.durationMs)): \(shown(error))\(logNote)")
        case .runStarted:
            let plan = (event.plan ?? []).map { "\($0.id) (\($0.steps.joined(separator: ", ")))" }.joined(separator: " → ")
            text.append(text: "run started by pid \(event.pid.map(String.init) ?? "?") on \(event.host ?? "?")"
                + (event.by.map { " (user \($0))" } ?? "") + (event.environment.map { ", environment \($0)" } ?? "") + "; "
                + "on failure: \(event.onFailure?.rawValue ?? "compensate"); plan: \(plan)")
            if let vars = event.vars, !vars.isEmpty {
                text.append(text: "; vars: " + vars.sorted { $0.key < $1.key }.map { "\($0.key)=\(shown($0.value))" }.joined(separator: " "))
            }
            if let note = event.note { text.append(text: "; \(shown(note))") }
        case .lockTakenOver:
            text.append(text: "lock taken over: \(shown(event.note ?? ""))")
        case .lockReleased:
            text.append(text: "lock \(shown(event.lock ?? "")) released by hand by \(shown(event.by ?? "")): \(shown(event.note ?? ""))")
        case .checkpointRecorded:
            if let point = event.point {
                text.append(text: "⚑ rollback point \(point) recorded (commit \(short(event.commit)))")
            } else if event.preserved != nil {
                text.append(text: PreservedText.lines(event, workspace: workspace, indent: "").joined(separator: "\n"))
            } else {
                text.append(text: "  workspace recorded as the run left it (commit \(short(event.commit)))")
            }
        case .phaseStarted:
            let name = after.phase(event.phase ?? "")?.name.map { " — \($0)" } ?? ""
            text.append(text: "▸ phase \(event.phase ?? "") started\(name)")
        case .phaseCompleted:
            text.append(text: "▸ phase \(event.phase ?? "") completed")
        case .phaseSkipped:
            text.append(text: "▸ phase \(event.phase ?? "") skipped: \(shown(event.note ?? ""))")
        case .orphanFound, .orphanEnded, .orphanElsewhere:
            text.append(text: "  ⏳ \(step): \(event.note ?? "")")
        case .stepFailed, .stepWarning:
            let attempts = key.flatMap { after.step($0)?.attempts } ?? 1
            let mark = event.event == .stepWarning ? "⚠" : "✗"
            text.append(text: "  \(mark) \(step) failed\(ms(event.durationMs))")
            if attempts > 1 { text.append(text: " after \(attempts) attempts") }
            text.append(text: ": \(shown(event.error ?? "failed"))\(logNote)")
            if event.event == .stepWarning { text += " — not critical, the run went on" }
        case .stepInterrupted:
            text.append(text: "  ✗ \(step) \(event.action == .compensate ? "compensation " : "")\(shown(event.note ?? "killed; outcome unknown"))")
        case .compensationFailed:
            text.append(text: "  ‼ compensation of \(step) failed\(ms(event.durationMs)): \(shown(event.error ?? ""))\(logNote)")
        case .compensationSkipped:
            text.append(text: "  – \(step) not compensated: \(shown(event.note ?? ""))")
        case .stepResolved:
            text.append(text: "  ✎ compensation of \(step) marked done by hand by \(shown(event.by ?? "someone")): “\(shown(event.note ?? ""))”")
        case .rollbackStarted:
            let owed = after.compensations(rollingBackTo: event.point ?? "start")
            text.append(text: "⟲ rollback to \(event.point ?? "start") started: \(owed.count) compensation\(owed.count == 1 ? "" : "s") owed"
                + (owed.isEmpty ? "" : " (\(owed.map(\.description).joined(separator: ", ")))")
                + (event.note.map { "; \(shown($0))" } ?? ""))
        case .workspaceRestored:
            text.append(text: "⟲ workspace restored to the rollback point \(event.point ?? "start") (commit \(short(event.commit)))")
        case .runResumed:
            text.append(text: "▶ run resumed by pid \(event.pid.map(String.init) ?? "?") on \(event.host ?? "?")"
                + (event.note.map { ": \(shown($0))" } ?? ""))
        case .runCompleted:
            text += "■ run completed"
        case .runCompensated:
            text.append(text: "■ run compensated" + (event.failedStep.map { " after \($0) failed" } ?? "")
                + (event.error.map { ": \(shown($0))" } ?? "") + "; every started step undone, workspace back at start")
        case .runRolledBack:
            text.append(text: "■ run rolled back to \(event.point ?? "start")")
        case .runStuck:
            let where_ = key.map { "the compensation of \($0) failed" } ?? "the unwind could not finish"
            text.append(text: "■ run STUCK: \(where_)" + (event.error.map { ": \(shown($0))" } ?? "") + logNote)
        case .runPaused:
            if let note = event.note {
                text.append(text: "■ run paused: \(shown(note))")
            } else {
                text.append(text: "■ run paused after \(event.failedStep ?? "a failure") failed: \(shown(event.error ?? ""))")
            }
        case .runFailed:
            text.append(text: "■ run failed at \(event.failedStep ?? "?"): \(shown(event.error ?? "")) (nothing compensated)")
        case .gateEvaluated:
            let reasons = (event.criteria ?? [:]).filter { $0.value != "pass" }.sorted { $0.key < $1.key }
            text.append(text: (GateLines.render(event, paint: { text, _ in text }) ?? "")
                + (reasons.isEmpty ? "" : "\n    not passed: " + reasons.map { "\($0.key) \($0.value)" }.joined(separator: ", ")))
        case .approvalRequested, .approvalRecorded:
            guard let line = GateLines.render(event, paint: { text, _ in text }) else { return false }
            text.append(text: line)
        case .warning:
            text.append(text: "⚠ warning: \(event.note ?? "")")
        case .capturesRecorded, .capturesVerified, .capturesDrifted:
            text.append(text: CaptureLines.story(event))
        case .runWaiting:
            text.append(text: "■ run waiting for approval at \(step); decide with `belay approve`, then `belay resume`")
        }
        return true
    }

    /// The run, its playbook, status and span, and its workspace.
    /// Whole lines, each ending with a newline, as `timeline` and `footer` are.
    func header() -> String {
        var header = "Run \(runID) · playbook \(shown(state.playbook ?? "?")) · \(state.status.rawValue)"
        if let target = state.rolledBackTo, state.status == .rolledBack { header += " to \(target)" }
        if !LiveRun.isUnfinished(state), let ms = state.durationMs { header += " · took \(DurationFormat.format(milliseconds: ms))" }
        return header + (state.workspace.map { "\nworkspace \(shown($0))" } ?? "") + "\n"
    }

    /// Lines with their time, a day heading whenever the day changes (`day`: the last one printed),
    /// each ending with a newline.
    func timeline(_ lines: [Line], day: inout StoryDay) -> String {
        var text: [UInt8] = []
        for line in lines {
            stamp(line.time, day: &day, into: &text)
            text.append(line: line.text)
        }
        return String(decoding: text, as: UTF8.self)
    }

    /// A line's time of day and the spaces after it, after a heading when its day is not `day`.
    /// Journal times are ASCII (`2026-11-22T00:22:42.017Z`), so they are cut by bytes, not by
    /// characters.
    func stamp(_ time: String, day: inout StoryDay, into text: inout [UInt8]) {
        // Read in place: a copy of the string to reach its bytes cost a retain and a release.
        let stamped: Void? = time.utf8.withContiguousStorageIfAvailable { stamp($0, day: &day, into: &text) }
        if stamped == nil { Array(time.utf8).withUnsafeBufferPointer { stamp($0, day: &day, into: &text) } }
    }

    private func stamp(_ time: UnsafeBufferPointer<UInt8>, day: inout StoryDay, into text: inout [UInt8]) {
        let thisDay = UnsafeBufferPointer(rebasing: time.prefix(10))
        if !day.matches(thisDay) {
            text.append(ascii: "\n")
            text.append(contentsOf: thisDay)
            text.append(line: " (UTC)")
            day.bytes = Array(thisDay)
        }
        text += "  "
        text.append(contentsOf: time.count >= 23 ? UnsafeBufferPointer(rebasing: time[11..<23]) : time)
        text += "  "
    }

    /// Where the run stands and what to do next.
    func footer() -> String {
        var out = "\nNow: \(state.status.rawValue). A resume would start at: \(state.resumeStart).\n"
        if state.status == .stuck, let stuck = state.stuckAt {
            out += "Next: fix the cause and `belay resume \(runID)`, or once undone by hand "
                + "`belay resolve \(runID) --step \(stuck) --note \"…\"`\n"
        }
        return out
    }

    func json() -> JSONText { .array(lines().map(json)) }

    /// One event as JSON with its story line as `summary`.
    func json(_ line: Line) -> JSONText {
        let event = events[line.index].jsonText
        guard case .object(var members) = event else { return event }
        members.append(("summary", .string(line.text.trimmingCharacters(in: .whitespaces))))
        return .object(members)
    }

    private func short(_ commit: String?) -> String { String((commit ?? "").prefix(10)) }
}

/// Each step's exit code from its last attempt, until its success tells it (only a success tells
/// its code; taken out then, the codes kept are those of the steps under way). A success mostly
/// follows its attempt at once, so the last code is kept apart from the others: a story of 10,000
/// steps hashed a step's key twice for each.
struct ExitCodes {
    private var last: (key: RunState.StepKey, code: Int32)?
    private var others: [RunState.StepKey: Int32] = [:]

    mutating func record(_ code: Int32, for key: RunState.StepKey) {
        if let last, last.key != key { others[last.key] = last.code }
        if !others.isEmpty { others.removeValue(forKey: key) }
        last = (key, code)
    }

    /// The step's last code, no longer kept.
    mutating func take(_ key: RunState.StepKey) -> Int32? {
        if let last, last.key == key {
            self.last = nil
            return last.code
        }
        return others.removeValue(forKey: key)
    }
}

/// The day of the last heading a story printed: the first ten bytes of a journal time (`2026-11-22`).
struct StoryDay {
    var bytes: [UInt8] = []

    func matches(_ day: UnsafeBufferPointer<UInt8>) -> Bool {
        guard bytes.count == day.count else { return false }
        for index in day.indices where bytes[index] != day[index] { return false }
        return true
    }
}

/// Where `RunStory.tell` reads a run's events, in order.
protocol RunEventSource {
    func forEachEvent(_ body: (consuming JournalEvent) -> Void) throws(EngineError)
}

/// A run's journal, read through the engine one event at a time.
struct EngineEvents: RunEventSource {
    let engine: Engine
    let runID: String

    func forEachEvent(_ body: (consuming JournalEvent) -> Void) throws(EngineError) {
        try engine.forEachEvent(of: runID, body)
    }
}
