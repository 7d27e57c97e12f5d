import BelayPlaybook
import BelaySupport
import Foundation
import Synchronization

/// One run of a saga: drives phases and steps forward, journals every event before acting on it,
/// and hands failures to the unwind.
final class SagaExecution: Sendable {
    let saga: Saga
    let order: [Phase]
    let folder: RunFolder
    let points: any RollbackPoints
    let options: RunOptions
    let journal: any JournalAppender
    let masker: SecretMasker
    /// Environment shared by every shell action of the run.
    let baseEnvironment: [String: String]
    /// The shell's absolute path, or nil when it cannot be found.
    let shellPath: String?
    /// The folded state and the events waiting to be written with the next durable one.
    private struct Books {
        var state: RunState
        var pending: [JournalEvent] = []
    }

    private let books: Mutex<Books>
    /// Step outputs as the actions wrote them (the journal holds them masked).
    private let liveOutputs = Mutex<[RunState.StepKey: [String: String]]>([:])
    private let liveValues = Mutex<[RunState.StepKey: String]>([:])
    /// Events that could not be journaled by `note` (their loss shows in the next append's failure).
    let journalProblems = Mutex<[String]>([])
    /// Why the store stopped taking this run's events (unreachable, or the lock passed to another
    /// holder): from then on the run acts no more and ends paused, for `resume` to carry on.
    let storeLost = Mutex<String?>(nil)
    /// The files a rehearsal of this playbook reaches, as they were when the run started (before its
    /// own steps changed any): what a gate's `rehearsal: true` criterion compares a rehearsal with.
    let filesAtStart = Mutex<ReachedFiles?>(nil)

    var runID: String { folder.runID }

    init(
        saga: Saga, order: [Phase], folder: RunFolder, points: any RollbackPoints, options: RunOptions,
        journal: any JournalAppender, initialState: RunState = RunState()
    ) {
        self.saga = saga
        self.order = order
        self.folder = folder
        self.points = points
        self.options = options
        self.journal = journal
        self.masker = SecretMasker(names: saga.secrets, environment: options.environment, values: saga.secretValues)
        self.books = Mutex(Books(state: initialState))
        self.baseEnvironment = SagaExecution.environment(of: saga, folder: folder)
        self.shellPath = SagaExecution.resolve(shell: saga.shell, path: baseEnvironment["PATH"])
    }

    /// The environment every shell command of the run gets: Belay's own, the playbook's `env:`,
    /// the vars as `BELAY_VAR_<NAME>`, the run id and the workspace.
    static func environment(of saga: Saga, folder: RunFolder) -> [String: String] {
        var environment = ProcessInfo.processInfo.environment
        for (name, value) in saga.env {
            // Templated like commands (`{{ vars.port }}`), but not quoted: no shell reads it.
            environment[name] = (try? Template(value).substitute { reference in
                if case .variable(let variable) = reference { saga.vars[variable] } else { nil }
            }) ?? value
        }
        for (name, value) in saga.vars { environment["BELAY_VAR_" + StepOutputFile.environmentSuffix(name)] = value }
        environment["BELAY_RUN_ID"] = folder.runID
        environment["BELAY_WORKSPACE"] = folder.workspace.path
        return environment
    }

    var currentState: RunState { books.withLock { $0.state } }

    /// Reads the state without copying it.
    func withState<T>(_ body: (borrowing RunState) -> T) -> T {
        books.withLock { body($0.state) }
    }

    // MARK: Journal

    /// Masks, journals (fsync'd), folds and reports one event, together with any deferred ones.
    /// Everything the engine does next happens after this returns, so the journal is always ahead of
    /// the world.
    /// `durable` false: written now, synced by the next durable record (see `JournalWriter`), for
    /// events no act depends on across a power loss (docs/engine.md, "One sync per step").
    @discardableResult
    func record(_ event: JournalEvent, durable: Bool = true) throws -> JournalEvent {
        try record([event], durable: durable)
    }

    @discardableResult
    func record(_ events: [JournalEvent], durable: Bool = true) throws -> JournalEvent {
        try books.withLock { books in
            let batch = books.pending + events.map { masker.mask($0) }
            books.pending = []
            let stored: [JournalEvent]
            do { stored = try journal.append(batch, durable: durable) } catch let error as EngineError {
                if error.code == .store { storeLost.withLock { $0 = $0 ?? error.description } }
                throw error
            }
            for event in stored {
                books.state.apply(event)
                options.observer?(event)
            }
            return stored[stored.count - 1]
        }
    }

    /// Queues an event to be written with the next `record` (group commit). Only for events that no
    /// action depends on before the next durable event: the end of an attempt whose outcome event
    /// follows, the start of a phase whose first step follows.
    func recordLater(_ event: JournalEvent) {
        books.withLock { $0.pending.append(masker.mask(event)) }
    }

    /// `record`, for events whose loss would be reported by the next one failing anyway. The error
    /// is not lost: it is kept for the outcome (`journalWarnings`), since a library does not print.
    func note(_ event: JournalEvent) {
        do { try record(event) } catch {
            journalProblems.withLock { $0.append("\(error)") }
        }
    }

    func event(_ kind: JournalEvent.Kind, phase: String? = nil, step: String? = nil) -> JournalEvent {
        var event = JournalEvent(event: kind)
        event.run = runID
        event.phase = phase
        event.step = step
        return event
    }

    // MARK: Forward

    func start(lock: any HeldRunLock) async -> RunOutcome {
        do {
            var started = event(.runStarted)
            started.playbook = saga.name
            started.workspace = folder.workspace.path
            started.onFailure = options.onFailure
            // Secret variables are never written down: a resume asks for them again.
            let recordable = saga.recordableVars
            started.vars = recordable.isEmpty ? nil : recordable
            started.source = saga.sourcePath
            started.environment = saga.environment
            started.lock = saga.lockName
            started.shown = saga.shownVars.isEmpty ? nil : saga.shownVars
            started.by = ApprovalIdentity.currentUser
            started.pid = getpid()
            started.host = ProcessInfo.processInfo.hostName
            started.note = options.phases.summary
            started.plan = order.map {
                JournalEvent.PlannedPhase(
                    id: $0.id, name: $0.name, parallel: $0.parallel ? true : nil, steps: $0.steps.map(\.id))
            }
            try record(started)
            if let previous = lock.tookOverFrom {
                var takeover = event(.lockTakenOver)
                takeover.note = "took over the lock left by \(previous), whose process is gone"
                try record(takeover)
            }
            if saga.phases.contains(where: { $0.steps.contains { if case .gate = $0.run { true } else { false } } }) {
                let roots = ReachedFiles.roots(of: saga, workspace: folder.workspace, playbook: saga.sourcePath)
                filesAtStart.withLock { $0 = ReachedFiles.scan(roots: roots, workspace: folder.workspace) }
            }
            try await recordStartPoint()
        } catch {
            return finishFailed(RunState.Failure(site: .checkpoint(point: PointName.start), error: "\(error)"))
        }
        return await runPhases(from: 0)
    }

    /// Runs `order[index...]`; on a critical failure applies the failure policy.
    func runPhases(from index: Int) async -> RunOutcome {
        let ids = order.map(\.id)
        for phase in order[index...] {
            if let reason = options.phases.skipReason(for: phase.id, in: ids) {
                var skipped = event(.phaseSkipped, phase: phase.id)
                skipped.note = reason
                note(skipped)
                continue
            }
            if let paused = await pauseIfRequested() { return paused }
            recordLater(event(.phaseStarted, phase: phase.id))
            if let failure = await runPhase(phase) {
                return await handle(failure)
            }
            if let paused = await pauseIfStoppedInside(phase) { return paused }
            if let failed = await completePhase(phase) { return failed }
            if phase.id == options.phases.stopAfter,
                order.drop(while: { $0.id != phase.id }).dropFirst().contains(where: {
                    options.phases.skipReason(for: $0.id, in: ids) == nil
                })
            {
                return await pauseOnRequest(
                    "stopped after phase \(phase.id) as asked; a resume runs the rest",
                    phase: phase.id)
            }
        }
        note(event(.runCompleted))
        return outcome(.completed)
    }

    /// Records the phase's rollback point and `phase_completed`. A point that cannot be recorded
    /// fails the phase like a failed step would; the outcome of that failure is returned.
    func completePhase(_ phase: Phase) async -> RunOutcome? {
        do {
            try await recordPoint(
                name: phase.id, event: "phase_completed", phase: phase.id, summary: "after phase \(phase.title)")
            try record(event(.phaseCompleted, phase: phase.id))
            return nil
        } catch {
            return await handle(RunState.Failure(
                site: .checkpoint(point: phase.id),
                error: "could not record the rollback point after phase \(phase.id): \(error)"))
        }
    }

    /// Runs one phase's steps (all of them, or `only` those); returns the first critical failure.
    func runPhase(_ phase: Phase, only selection: [Step]? = nil) async -> RunState.Failure? {
        let steps = selection ?? phase.steps
        if !phase.parallel {
            for (position, step) in steps.enumerated() {
                if options.interruption?.isRequested == true { return nil }
                let result = await runStep(step, in: phase, followedByStep: position < steps.count - 1)
                if case .failed(let failure) = result { return failure }
            }
            return nil
        }
        let limit = max(1, phase.maxParallel ?? steps.count)
        // The first batch's starts reach the disk together (one sync), before any of them spawns.
        let batch = Array(steps.prefix(limit))
        guard !batch.isEmpty else { return nil }
        do { try record(batch.map { stepStartedEvent($0, in: phase) }) } catch {
            return RunState.Failure(
                step: RunState.StepKey(phase: phase.id, step: batch[0].id), error: "cannot journal the step's start: \(error)")
        }
        return await withTaskGroup(of: StepResult.self) { group in
            var next = 0
            var failure: RunState.Failure?
            while next < min(limit, steps.count) {
                let step = steps[next]
                group.addTask { await self.runStep(step, in: phase, announced: true) }
                next += 1
            }
            while let result = await group.next() {
                if case .failed(let stepFailure) = result, failure == nil { failure = stepFailure }
                // After a critical failure, let the steps in flight finish but start no new one.
                if failure == nil, next < steps.count, options.interruption?.isRequested != true {
                    let step = steps[next]
                    group.addTask { await self.runStep(step, in: phase) }
                    next += 1
                }
            }
            return failure
        }
    }

    enum StepResult: Sendable {
        case succeeded, warning
        case failed(RunState.Failure)
        /// Killed by the operator's second signal: no outcome recorded, it stays "started".
        case interrupted
    }

    func stepStartedEvent(_ step: Step, in phase: Phase) -> JournalEvent {
        var stepStarted = event(.stepStarted, phase: phase.id, step: step.id)
        stepStarted.action = .run
        stepStarted.attempt = 1
        stepStarted.log = folder.logPath(phase: phase.id, step: step.id, action: "run", attempt: 1)
        return stepStarted
    }

    /// Journals `step_started` (unless `announced`: already durable), then tries `run` (+ `verify`)
    /// up to the retry budget. `followedByStep`: the next act is another step's durable start, which
    /// syncs this step's outcome with it.
    func runStep(_ step: Step, in phase: Phase, announced: Bool = false, followedByStep: Bool = false) async -> StepResult {
        let key = RunState.StepKey(phase: phase.id, step: step.id)
        if let failure = await recordPointBefore(step, in: phase) { return .failed(failure) }
        if !announced {
            do { try record(stepStartedEvent(step, in: phase)) } catch {
                return .failed(RunState.Failure(step: key, error: "cannot journal the step's start: \(error)"))
            }
        }
        let started = ContinuousClock.now
        let policy = step.retry ?? saga.defaultRetry
        var last = ActionOutcome(error: "not run")
        for attempt in 1...max(1, policy.attempts) {
            if attempt > 1 { try? await Task.sleep(for: policy.delay(afterAttempt: attempt - 1)) }
            last = await perform(
                step.run, action: .run, step: step, phase: phase, attempt: attempt, input: nil, announced: attempt == 1)
            if last.cut || options.interruption?.isKilling == true { await cancel(step, in: phase, attempt: attempt, outputs: last.outputs) }
            if last.succeeded, let verify = step.verify {
                let check = await perform(
                    verify, action: .verify, step: step, phase: phase, attempt: attempt, input: last.value,
                    outputs: last.outputs)
                if !check.succeeded {
                    last.error = "verify failed: \(check.error ?? "")"
                    last.log = check.log
                }
            }
            if last.error == nil { break }
            if options.interruption?.isKilling == true { return recordInterrupted(step, in: phase, action: .run, log: last.log) }
        }
        if last.waiting { return .failed(RunState.Failure(step: key, error: "waiting for approval")) }
        let elapsed = DurationFormat.milliseconds(ContinuousClock.now - started)
        liveOutputs.withLock { $0[key] = last.outputs }
        if let value = last.value { liveValues.withLock { $0[key] = value } }
        var outcome = event(
            last.error == nil ? .stepSucceeded : (step.critical ? .stepFailed : .stepWarning),
            phase: phase.id, step: step.id)
        outcome.durationMs = elapsed
        outcome.outputs = last.outputs.isEmpty ? nil : last.outputs
        outcome.value = last.value
        outcome.error = last.error
        outcome.log = last.error == nil ? nil : last.log
        do { try record(outcome, durable: !followedByStep) } catch {
            return .failed(RunState.Failure(step: key, error: "cannot journal the step's outcome: \(error)"))
        }
        guard let error = last.error else { return .succeeded }
        return step.critical ? .failed(RunState.Failure(step: key, error: error, log: last.log)) : .warning
    }

    /// The outputs of a step of this run: as written when this process ran it, else as journaled.
    func outputs(of key: RunState.StepKey) -> [String: String] {
        if let live = liveOutputs.withLock({ $0[key] }) { return live }
        return withState { $0.step(key)?.outputs ?? [:] }
    }

    func value(of key: RunState.StepKey) -> String? {
        if let live = liveValues.withLock({ $0[key] }) { return live }
        return withState { $0.step(key)?.value }
    }

    // MARK: Helpers

    static func resolve(shell: String, path: String?) -> String? {
        if shell.contains("/") { return FileManager.default.isExecutableFile(atPath: shell) ? shell : nil }
        for directory in (path ?? "/usr/bin:/bin").split(separator: ":") {
            let candidate = "\(directory)/\(shell)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    static func appendLine(_ line: String, to path: String) {
        let fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, PrivateFiles.fileMode)
        guard fd >= 0 else { return }
        defer { close(fd) }
        let text = line + "\n"
        _ = text.withCString { write(fd, $0, strlen($0)) }
    }
}

/// Runs `body`, cancelling it when `timeout` passes first.
func withTimeout<T: Sendable>(
    _ timeout: Duration?, _ body: @escaping @Sendable () async throws -> T
) async throws -> T {
    guard let timeout else { return try await body() }
    return try await withThrowingTaskGroup(of: T?.self) { group in
        group.addTask { try await body() }
        group.addTask {
            try await Task.sleep(for: timeout)
            return nil
        }
        defer { group.cancelAll() }
        guard let first = try await group.next(), let value = first else {
            throw TimeoutError(timeout: timeout)
        }
        return value
    }
}

struct TimeoutError: Error, CustomStringConvertible {
    var timeout: Duration
    var description: String { "timed out after \(DurationFormat.format(timeout))" }
}
