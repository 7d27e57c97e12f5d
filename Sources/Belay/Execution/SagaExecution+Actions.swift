import BelayPlaybook
import BelaySupport
import Foundation
import Synchronization

/// Running one action of a step: an attempt journaled around a shell command or Swift code, its
/// output masked into the step's log, its process group recorded, its `cancel` after a cut.
extension SagaExecution {
    struct ActionOutcome: Sendable {
        var error: String?
        var outputs: [String: String] = [:]
        var value: String?
        var log: String?
        /// An approval step that has no decision yet: the run ends `waiting_approval`.
        var waiting = false
        /// The action was killed at its timeout (or by the operator's second signal): work it
        /// started elsewhere may still go on, so the step's `cancel` runs.
        var cut = false
        var succeeded: Bool { error == nil && !waiting }
    }

    /// One attempt of one action, between `attempt_started` and `attempt_finished`.
    func perform(
        _ work: StepWork, action: StepContext.Action, step: Step, phase: Phase, attempt: Int, input: String?,
        outputs stepOutputs: [String: String] = [:], announced: Bool = false
    ) async -> ActionOutcome {
        let log = folder.logPath(phase: phase.id, step: step.id, action: action.rawValue, attempt: attempt)
        if !announced {
            var started = event(.attemptStarted, phase: phase.id, step: step.id)
            started.action = action
            started.attempt = attempt
            started.log = log
            do { try record(started) } catch {
                return ActionOutcome(error: "cannot journal the attempt: \(error)", log: log)
            }
        }
        let clock = ContinuousClock.now
        var outcome: ActionOutcome
        var exitCode: Int32?
        let timeout = step.timeout ?? saga.defaultTimeout
        let context = StepContext(
            runID: runID, phase: phase.id, step: step.id, action: action, attempt: attempt,
            workspace: folder.workspace, vars: saga.vars,
            outputLookup: { [self] phase, step in self.outputs(of: .init(phase: phase, step: step)) },
            logger: { [masker, workspace = folder.workspace] line in
                SagaExecution.appendLine(masker.mask(line), to: workspace.appendingPathComponent(log).path)
            })
        switch work {
        case .shell(let template):
            (outcome, exitCode) = await performShell(
                template, context: context, log: log, timeout: timeout, stepOutputs: stepOutputs)
        case .code(let body):
            outcome = await performCode(body, context: context, input: input, timeout: timeout)
        case .gate(let gate):
            outcome = await performGate(gate, context: context)
        case .approval(let approval):
            outcome = await performApproval(
                message: approval.message, timeout: approval.timeout, onTimeout: approval.onTimeout, context: context)
        }
        outcome.log = log
        // The error reaches the outcome and the recap as well as the journal: masked here once.
        outcome.error = masker.mask(outcome.error)
        // A step waiting for approval keeps its attempt open until a decision comes.
        if outcome.waiting { return outcome }
        var finished = event(.attemptFinished, phase: phase.id, step: step.id)
        finished.action = action
        finished.attempt = attempt
        finished.exitCode = exitCode
        finished.durationMs = DurationFormat.milliseconds(ContinuousClock.now - clock)
        finished.outputs = outcome.outputs.isEmpty ? nil : outcome.outputs
        finished.value = outcome.value
        finished.error = outcome.error
        finished.log = log
        // Durable with the next event (the step's outcome, or the next attempt's start).
        recordLater(finished)
        return outcome
    }

    private func performShell(
        _ template: String, context: StepContext, log: String, timeout: Duration?, stepOutputs: [String: String]
    ) async -> (ActionOutcome, Int32?) {
        let command: String
        do {
            command = try Template(template).render { reference in
                switch reference {
                case .variable(let name): saga.vars[name]
                case .stepOutput(let phase, let step, let key): outputs(of: .init(phase: phase, step: step))[key]
                }
            }
        } catch {
            return (ActionOutcome(error: "\(error)"), nil)
        }
        guard let shellPath else {
            return (ActionOutcome(error: "the shell '\(saga.shell)' was not found on PATH"), nil)
        }
        let outputFile = folder.scratch.appending(
            path: "\(context.phase).\(context.step).\(context.action.rawValue).\(context.attempt).out",
            directoryHint: .notDirectory).path
        var environment = baseEnvironment
        environment["BELAY_PHASE"] = context.phase
        environment["BELAY_STEP"] = context.step
        environment["BELAY_ACTION"] = context.action.rawValue
        environment["BELAY_ATTEMPT"] = String(context.attempt)
        environment["BELAY_OUTPUT"] = outputFile
        if context.action != .run {
            let own = stepOutputs.isEmpty ? outputs(of: .init(phase: context.phase, step: context.step)) : stepOutputs
            for (key, value) in own { environment[StepOutputFile.environmentName(key)] = value }
        }
        let result = await ShellRunner.run(ShellCommand(
            shell: shellPath, command: command, environment: environment,
            workingDirectory: folder.workspace.path,
            logFile: folder.workspace.appending(path: log, directoryHint: .notDirectory).path,
            timeout: timeout, killGrace: options.killGrace, masker: masker,
            // A cancel runs because the operator insisted: it is not killed with the action it cleans up after.
            interruption: context.action == .cancel ? nil : options.interruption,
            onSpawn: { [self] pid in recordProcess(pid, context: context, log: log) }))
        let produced = StepOutputFile.consume(outputFile)
        var outcome = ActionOutcome(outputs: produced.outputs)
        let problems = [
            result.succeeded ? nil : result.failureDescription(timeout: timeout),
            produced.problem.map { "$BELAY_OUTPUT: \($0)" },
        ].compactMap(\.self)
        if !problems.isEmpty { outcome.error = problems.joined(separator: "; ") }
        outcome.cut = result.timedOut || (result.signal != nil && options.interruption?.isKilling == true)
        return (outcome, result.exitCode)
    }

    /// Journals the spawned process group, so a Belay process that comes after a crash can find it
    /// still running and wait for it (or end it) before deciding anything about the step.
    private func recordProcess(_ pid: pid_t, context: StepContext, log: String) {
        let identity = ProcessGroupIdentity.of(leader: pid)
        var spawned = event(.processStarted, phase: context.phase, step: context.step)
        spawned.action = context.action
        spawned.attempt = context.attempt
        spawned.processGroup = identity.group
        spawned.processStart = identity.startTime
        spawned.machine = MachineIdentity.current
        spawned.log = log
        // Written, not synced: a process group cannot outlive a power loss, only a crash of Belay,
        // which keeps what was written.
        do { try record(spawned, durable: false) } catch {
            journalProblems.withLock { $0.append("\(error)") }
        }
    }

    /// Runs the step's `cancel` (if it has one) after its `run` was cut off, with the step's outputs
    /// and variables, before anything else happens to the step (a retry, the compensation).
    func cancel(_ step: Step, in phase: Phase, attempt: Int, outputs: [String: String]) async {
        guard let cancel = step.cancel else { return }
        _ = await perform(cancel, action: .cancel, step: step, phase: phase, attempt: attempt, input: nil, outputs: outputs)
    }

    private func performCode(
        _ body: @escaping @Sendable (StepContext, String?) async throws -> String?, context: StepContext,
        input: String?, timeout: Duration?
    ) async -> ActionOutcome {
        do {
            let value = try await withTimeout(timeout) { try await body(context, input) }
            return ActionOutcome(value: value)
        } catch {
            context.log("error: \(error)")
            return ActionOutcome(error: "\(error)")
        }
    }
}
