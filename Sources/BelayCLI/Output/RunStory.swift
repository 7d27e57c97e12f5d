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

    private init(runID: String, workspace: URL, state: RunState, events: [JournalEvent]) {
        self.runID = runID
        self.workspace = workspace
        self.state = state
        self.events = events
    }

    /// The story of a run written out as it is told, one event at a time: memory does not grow
    /// with the journal. The header tells the state after the last event, so the story is held
    /// while the journal is read, then written after the header; a story longer than `heldLimit`
    /// bytes is dropped instead and told by reading the journal a second time. `write` is handed
    /// whole lines, each ending with a newline, many at a time.
    static func tell(
        runID: String, engine: Engine, heldLimit: Int = RunStory.heldLimit, write: (String) -> Void
    ) throws(EngineError) {
        try tell(runID: runID, workspace: engine.workspace, from: ReadAhead(source: EngineEvents(engine: engine, runID: runID)),
                 heldLimit: heldLimit, write: write)
    }

    /// How much of a story `tell` holds to read the journal once (a 10,000-step run's is about 1.5 MB).
    static let heldLimit = 8 << 20

    /// `tell`, from any source of the run's events.
    static func tell(
        runID: String, workspace: URL, from source: some RunEventSource, heldLimit: Int, write: (String) -> Void
    ) throws(EngineError) {
        let story = RunStory(runID: runID, workspace: workspace, state: RunState(), events: [])
        var teller = Teller(story: story)
        var held: [UInt8]? = []
        try source.forEachEvent { event in
            // Past the limit only the state is needed from this read: the story is told again.
            guard held != nil else { return teller.state.apply(event) }
            teller.tell(event, into: &held!)
            if held!.count > heldLimit { held = nil }
        }
        let told = RunStory(runID: runID, workspace: workspace, state: teller.state, events: [])
        write(told.header())
        if let held {
            write(String(decoding: held, as: UTF8.self))
        } else {
            var again = Teller(story: story)
            var chunk: [UInt8] = []
            try source.forEachEvent { event in
                again.tell(event, into: &chunk)
                if chunk.count >= 1 << 16 {
                    write(String(decoding: chunk, as: UTF8.self))
                    chunk.removeAll(keepingCapacity: true)
                }
            }
            write(String(decoding: chunk, as: UTF8.self))
        }
        write(told.footer())
    }

    /// Folds a run's events one at a time and tells each one's lines (with day headings).
    private struct Teller {
        let story: RunStory
        var state = RunState()
        var lastExit: [RunState.StepKey: Int32] = [:]
        var day: Substring?

        mutating func tell(_ event: borrowing JournalEvent, into text: inout [UInt8]) {
            state.apply(event)
            guard let line = story.line(event, at: 0, after: state, lastExit: &lastExit) else { return }
            story.timeline(line, day: &day, into: &text)
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
        var state = RunState()
        var lastExit: [RunState.StepKey: Int32] = [:]
        var result: [Line] = []
        result.reserveCapacity(events.count)
        for index in events.indices {
            state.apply(events[index])  // in place: a copy of the state per event made a long run's log quadratic
            if let line = line(events[index], at: index, after: state, lastExit: &lastExit) { result.append(line) }
        }
        return result
    }

    private func line(
        _ event: JournalEvent, at index: Int, after state: RunState, lastExit: inout [RunState.StepKey: Int32]
    ) -> Line? {
        let key = event.phase.flatMap { phase in event.step.map { RunState.StepKey(phase: phase, step: $0) } }
        if event.event == .attemptFinished, let key, let code = event.exitCode { lastExit[key] = code }
        // Only a success tells its exit code; taken out then, the map holds the steps under way.
        let exit = event.event == .stepSucceeded ? key.flatMap { lastExit.removeValue(forKey: $0) } : nil
        guard let text = describe(event, key: key, after: state, lastExit: exit) else { return nil }
        return Line(index: index, seq: event.seq, time: event.time, text: text)
    }

    private func describe(
        _ event: JournalEvent, key: RunState.StepKey?, after: RunState, lastExit: Int32?
    ) -> String? {
        var step: String { key?.description ?? "" }
        func ms(_ value: Int64?) -> String { value.map { " in " + DurationFormat.format(milliseconds: $0) } ?? "" }
        var logNote: String { event.log.map { " (log: \($0))" } ?? "" }
        switch event.event {
        case .runStarted:
            let plan = (event.plan ?? []).map { "\($0.id) (\($0.steps.joined(separator: ", ")))" }.joined(separator: " → ")
            var text = "run started by pid \(event.pid.map(String.init) ?? "?") on \(event.host ?? "?")"
                + (event.by.map { " (user \($0))" } ?? "") + (event.environment.map { ", environment \($0)" } ?? "") + "; "
                + "on failure: \(event.onFailure?.rawValue ?? "compensate"); plan: \(plan)"
            if let vars = event.vars, !vars.isEmpty {
                text += "; vars: " + vars.sorted { $0.key < $1.key }.map { "\($0.key)=\(shown($0.value))" }.joined(separator: " ")
            }
            if let note = event.note { text += "; \(shown(note))" }
            return text
        case .lockTakenOver:
            return "lock taken over: \(shown(event.note ?? ""))"
        case .lockReleased:
            return "lock \(shown(event.lock ?? "")) released by hand by \(shown(event.by ?? "")): \(shown(event.note ?? ""))"
        case .checkpointRecorded:
            if let point = event.point { return "⚑ rollback point \(point) recorded (commit \(short(event.commit)))" }
            if event.preserved != nil {
                return PreservedText.lines(event, workspace: workspace, indent: "").joined(separator: "\n")
            }
            return "  workspace recorded as the run left it (commit \(short(event.commit)))"
        case .phaseStarted:
            let name = after.phase(event.phase ?? "")?.name.map { " — \($0)" } ?? ""
            return "▸ phase \(event.phase ?? "") started\(name)"
        case .phaseCompleted:
            return "▸ phase \(event.phase ?? "") completed"
        case .phaseSkipped:
            return "▸ phase \(event.phase ?? "") skipped: \(shown(event.note ?? ""))"
        case .stepStarted:
            return "  ▶ \(step) started"
        case .attemptStarted:
            let what = event.action == .compensate ? "compensation" : (event.action?.rawValue ?? "action")
            guard (event.attempt ?? 1) > 1 || event.action == .verify else { return nil }
            return "    \(what) attempt \(event.attempt ?? 1) of \(step) started"
        case .processStarted:
            return nil
        case .orphanFound, .orphanEnded, .orphanElsewhere:
            return "  ⏳ \(step): \(event.note ?? "")"
        case .attemptFinished:
            guard let error = event.error else { return nil }
            let what = event.action == .compensate ? "compensation" : (event.action?.rawValue ?? "action")
            return "    \(what) attempt \(event.attempt ?? 1) of \(step) failed\(ms(event.durationMs)): \(shown(error))\(logNote)"
        case .stepSucceeded:
            let attempts = key.flatMap { after.step($0)?.attempts } ?? 1
            var text = "  ✓ \(step) succeeded\(ms(event.durationMs))"
            text += attempts > 1 ? " after \(attempts) attempts" : ""
            if let code = lastExit { text += ", exit code \(code)" }
            if let note = event.note { text += " (\(shown(note)))" }
            if let outputs = event.outputs, !outputs.isEmpty {
                text += "; outputs: " + outputs.sorted { $0.key < $1.key }.map { "\($0.key)=\(shown($0.value))" }.joined(separator: " ")
            }
            return text
        case .stepFailed, .stepWarning:
            let attempts = key.flatMap { after.step($0)?.attempts } ?? 1
            let mark = event.event == .stepWarning ? "⚠" : "✗"
            var text = "  \(mark) \(step) failed\(ms(event.durationMs))"
            text += attempts > 1 ? " after \(attempts) attempts" : ""
            text += ": \(shown(event.error ?? "failed"))\(logNote)"
            if event.event == .stepWarning { text += " — not critical, the run went on" }
            return text
        case .stepInterrupted:
            return "  ✗ \(step) \(event.action == .compensate ? "compensation " : "")\(shown(event.note ?? "killed; outcome unknown"))"
        case .compensationStarted:
            return "  ↺ compensating \(step)"
        case .compensationSucceeded:
            return "  ↺ \(step) compensated\(ms(event.durationMs))"
        case .compensationFailed:
            return "  ‼ compensation of \(step) failed\(ms(event.durationMs)): \(shown(event.error ?? ""))\(logNote)"
        case .compensationSkipped:
            return "  – \(step) not compensated: \(shown(event.note ?? ""))"
        case .stepResolved:
            return "  ✎ compensation of \(step) marked done by hand by \(shown(event.by ?? "someone")): “\(shown(event.note ?? ""))”"
        case .rollbackStarted:
            let owed = after.compensations(rollingBackTo: event.point ?? "start")
            return "⟲ rollback to \(event.point ?? "start") started: \(owed.count) compensation\(owed.count == 1 ? "" : "s") owed"
                + (owed.isEmpty ? "" : " (\(owed.map(\.description).joined(separator: ", ")))")
                + (event.note.map { "; \(shown($0))" } ?? "")
        case .workspaceRestored:
            return "⟲ workspace restored to the rollback point \(event.point ?? "start") (commit \(short(event.commit)))"
        case .runResumed:
            return "▶ run resumed by pid \(event.pid.map(String.init) ?? "?") on \(event.host ?? "?")"
                + (event.note.map { ": \(shown($0))" } ?? "")
        case .runCompleted:
            return "■ run completed"
        case .runCompensated:
            return "■ run compensated" + (event.failedStep.map { " after \($0) failed" } ?? "")
                + (event.error.map { ": \(shown($0))" } ?? "") + "; every started step undone, workspace back at start"
        case .runRolledBack:
            return "■ run rolled back to \(event.point ?? "start")"
        case .runStuck:
            let where_ = key.map { "the compensation of \($0) failed" } ?? "the unwind could not finish"
            return "■ run STUCK: \(where_)" + (event.error.map { ": \(shown($0))" } ?? "") + logNote
        case .runPaused:
            if let note = event.note { return "■ run paused: \(shown(note))" }
            return "■ run paused after \(event.failedStep ?? "a failure") failed: \(shown(event.error ?? ""))"
        case .runFailed:
            return "■ run failed at \(event.failedStep ?? "?"): \(shown(event.error ?? "")) (nothing compensated)"
        case .gateEvaluated:
            let reasons = (event.criteria ?? [:]).filter { $0.value != "pass" }.sorted { $0.key < $1.key }
            return (GateLines.render(event, paint: { text, _ in text }) ?? "")
                + (reasons.isEmpty ? "" : "\n    not passed: " + reasons.map { "\($0.key) \($0.value)" }.joined(separator: ", "))
        case .approvalRequested, .approvalRecorded:
            return GateLines.render(event, paint: { text, _ in text })
        case .warning:
            return "⚠ warning: \(event.note ?? "")"
        case .capturesRecorded, .capturesVerified, .capturesDrifted:
            return CaptureLines.story(event)
        case .runWaiting:
            return "■ run waiting for approval at \(step)"
                + "; decide with `belay approve`, then `belay resume`"
        }
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
    func timeline(_ lines: [Line], day: inout Substring?) -> String {
        var text: [UInt8] = []
        for line in lines { timeline(line, day: &day, into: &text) }
        return String(decoding: text, as: UTF8.self)
    }

    /// One line with its time of day, after a heading when its day is not `day`, written as bytes:
    /// a long run's story is tens of thousands of lines. Journal times are ASCII
    /// (`2026-11-22T00:22:42.017Z`), so they are cut by bytes, not by characters.
    func timeline(_ line: Line, day: inout Substring?, into text: inout [UInt8]) {
        let time = line.time.utf8
        let thisDay = Substring(time.prefix(10))
        if thisDay != day {
            text.append(ascii: "\n")
            text.append(text: thisDay)
            text.append(line: " (UTC)")
            day = thisDay
        }
        text.append(text: "  ")
        text.append(text: time.count >= 23 ? Substring(time.dropFirst(11).prefix(12)) : Substring(line.time))
        text.append(text: "  ")
        text.append(line: line.text)
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
