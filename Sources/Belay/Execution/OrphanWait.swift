import BelaySupport
import Foundation

/// What `resume` and `rollback` do with a step's process group that outlived the Belay process
/// that started it (a `kill -9`, a crash): deciding the step's outcome while it still runs would
/// race it, so Belay first waits for it, or ends it.
public enum OrphanPolicy: String, Sendable, Hashable {
    /// Wait for the group to end, at most until the step's timeout (counted from its start) passes.
    case wait
    /// Terminate the group at once: SIGTERM, then SIGKILL after the kill grace.
    case kill
}

extension SagaExecution {
    /// Waits for (or ends) every process group the journal holds as spawned and not finished that
    /// is still alive, journaling `orphan_found` and `orphan_ended` and writing the same words into
    /// the attempt's log. Only after this does a resume or rollback decide any step's outcome.
    ///
    /// A group started on another machine (a run taken over from a runner elsewhere) can be neither
    /// seen nor waited for from here: it is journaled as `orphan_elsewhere`, and the step's outcome
    /// is unknown, decided as after a crash.
    /// - Throws: `.orphanRunning` when the operator stopped the wait while the group still runs.
    func settleOrphans(for operation: EngineError.Operation) async throws(EngineError) {
        for process in currentState.openProcesses {
            if !process.isHere {
                try recordElsewhere(process)
            } else if process.identity.isAlive {
                try await settle(process, operation: operation)
            }
        }
    }

    private func recordElsewhere(_ process: RunState.OpenProcess) throws(EngineError) {
        var elsewhere = event(.orphanElsewhere, phase: process.step.phase, step: process.step.step)
        elsewhere.action = process.action
        elsewhere.attempt = process.attempt
        elsewhere.processGroup = process.identity.group
        elsewhere.machine = process.machine
        elsewhere.log = process.log
        elsewhere.note = "its process group \(process.identity.group) was started on another machine (\(process.machine ?? "?")), "
            + "whose processes this one cannot see or wait for; its outcome is unknown and is decided as after a crash"
        do { try record(elsewhere) } catch {
            throw EngineError(.journal, .io(.journal, path: folder.journal.path, reason: "\(error)"))
        }
    }

    private func settle(_ process: RunState.OpenProcess, operation: EngineError.Operation) async throws(EngineError) {
        let group = process.identity.group
        let step = saga.phase(process.step.phase)?.steps.first { $0.id == process.step.step }
        let timeout = step?.timeout ?? saga.defaultTimeout
        let deadline = timeout.flatMap { timeout in
            JournalClock.parse(process.startedTime).map { $0.addingTimeInterval(Self.seconds(timeout)) }
        }
        var found = event(.orphanFound, phase: process.step.phase, step: process.step.step)
        found.action = process.action
        found.attempt = process.attempt
        found.processGroup = group
        found.log = process.log
        found.deadline = deadline.map(JournalClock.format)
        found.note = options.orphans == .kill
            ? "its process group \(group) outlived the Belay process that started it; terminating it as asked"
            : "its process group \(group) outlived the Belay process that started it; waiting for it to end "
                + (deadline.map { "(at most until its timeout, \(JournalClock.format($0)))" } ?? "(the step has no timeout)")
                + " before deciding anything about the step"
        do { try record(found) } catch {
            throw EngineError(.journal, .io(.journal, path: folder.journal.path, reason: "\(error)"))
        }
        appendToLog(process.log, "[belay] \(found.note!)")
        let waited = ContinuousClock.now
        var ending: String
        if options.orphans == .kill {
            await process.identity.terminate(grace: options.killGrace)
            ending = "terminated as asked (SIGTERM, then SIGKILL after \(DurationFormat.format(options.killGrace)))"
        } else {
            ending = "ended by itself"
            while process.identity.isAlive {
                if options.interruption?.isRequested == true {
                    appendToLog(process.log, "[belay] stopped waiting as asked; process group \(group) is still running and nothing was decided")
                    throw EngineError(.refused, .orphanRunning(
                        runID: runID, step: process.step, group: group, operation: operation))
                }
                if let deadline, Date() >= deadline {
                    await process.identity.terminate(grace: options.killGrace)
                    ending = "outlived its timeout, so it was terminated (SIGTERM, then SIGKILL)"
                    break
                }
                try? await Task.sleep(for: .milliseconds(100))
            }
        }
        let elapsed = ContinuousClock.now - waited
        var ended = event(.orphanEnded, phase: process.step.phase, step: process.step.step)
        ended.action = process.action
        ended.attempt = process.attempt
        ended.processGroup = group
        ended.log = process.log
        ended.durationMs = DurationFormat.milliseconds(elapsed)
        ended.note = "process group \(group) \(ending) after \(DurationFormat.format(elapsed)); "
            + "its exit status cannot be known, so the step's outcome is decided as after a crash"
        do { try record(ended) } catch {
            throw EngineError(.journal, .io(.journal, path: folder.journal.path, reason: "\(error)"))
        }
        appendToLog(process.log, "[belay] \(ended.note!)")
    }

    private func appendToLog(_ log: String?, _ line: String) {
        guard let log else { return }
        SagaExecution.appendLine("\n" + line, to: folder.workspace.appendingPathComponent(log).path)
    }
}
