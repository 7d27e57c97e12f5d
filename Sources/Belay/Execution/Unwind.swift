import BelaySupport
import Foundation

extension SagaExecution {
    /// Compensates every started step whose compensation is still owed, newest first, then restores
    /// the workspace to the `start` point. A compensation that fails after its retries stops the
    /// unwind there: the run is stuck.
    func unwind(after failure: RunState.Failure?) async -> RunOutcome {
        switch await compensateInOrder(currentState.pendingCompensations) {
        case .stuck(let stuck): return await recordStuck(at: stuck, failure: failure)
        case .interrupted(let phase): return await pauseOnRequest(unwindPausedNote(), phase: phase)
        case nil: break
        }
        do {
            try await preserveWorkspace(before: "the restore of the start point")
            if case .restored(let restored) = try await points.restore(run: runID, point: PointName.start) {
                var event = event(.workspaceRestored)
                event.point = PointName.start
                event.commit = restored.commit
                event.tree = restored.tree
                try record(event)
                _ = await verifyCaptures(against: PointName.start)
            }
        } catch {
            var event = event(.runStuck)
            event.failedStep = failure?.site.description
            event.point = PointName.start
            event.error = "every compensation ran, but the workspace could not be restored to the start point: \(error)"
            note(event)
            return outcome(.stuck(failure: failure, at: .restore(point: PointName.start)))
        }
        var done = event(.runCompensated)
        done.failedStep = failure?.site.description
        done.error = failure?.error
        note(done)
        return outcome(.compensated(failure: failure))
    }

    /// The unwind of a rehearsal: every owed compensation, in the same order and batches as a real
    /// unwind, but no restore afterwards, so what the compensations alone leave behind shows.
    /// Returns the compensation that failed, if one did.
    func unwindForRehearsal() async -> RunState.StepKey? {
        if case .stuck(let stuck) = await compensateInOrder(currentState.pendingCompensations) {
            var event = event(.runStuck, phase: stuck.phase, step: stuck.step)
            event.error = currentState.step(stuck)?.compensationError
            event.note = "rehearsal: the unwind stopped at this compensation"
            note(event)
            return stuck
        }
        var done = event(.runCompensated)
        done.note = "rehearsal: every started step compensated; the workspace is compared with the start point, not restored"
        note(done)
        return nil
    }

    enum UnwindStop {
        /// The compensation of this step failed after its retries.
        case stuck(RunState.StepKey)
        /// The operator asked to stop; `phase` is where the unwind was.
        case interrupted(phase: String)
    }

    /// Compensates `keys` (newest first, a parallel phase's steps together); stops at the first
    /// compensation that fails, or between compensations when the operator asks to stop.
    func compensateInOrder(_ keys: [RunState.StepKey]) async -> UnwindStop? {
        for batch in compensationBatches(keys) {
            if options.interruption?.isRequested == true { return .interrupted(phase: batch[0].phase) }
            let failures = await withTaskGroup(of: RunState.StepKey?.self) { group in
                for key in batch { group.addTask { await self.compensate(key) ? nil : key } }
                var failed: [RunState.StepKey] = []
                for await result in group { if let result { failed.append(result) } }
                return failed
            }
            if options.interruption?.isRequested == true { return .interrupted(phase: batch[0].phase) }
            if let stuck = batch.first(where: failures.contains) { return .stuck(stuck) }
        }
        return nil
    }

    /// Records that the unwind stopped at `stuck`'s failed compensation (docs/engine.md).
    func recordStuck(at stuck: RunState.StepKey, failure: RunState.Failure?) async -> RunOutcome {
        // A commit of the workspace as left, so resume can tell outside changes from ours.
        await recordStopCommit(event: "stuck", phase: stuck.phase)
        var event = event(.runStuck, phase: stuck.phase, step: stuck.step)
        let step = currentState.step(stuck)
        event.failedStep = failure?.site.description
        event.error = step?.compensationError
        event.log = step?.compensationLog
        note(event)
        return outcome(.stuck(failure: failure, at: .compensation(stuck)))
    }

    func unwindPausedNote() -> String {
        "\(options.interruption.map(Self.interruptedNote) ?? "interrupted") while compensating; "
            + "a resume carries the unwind on"
    }

    /// Keys grouped so that consecutive steps of one parallel phase are compensated together.
    func compensationBatches(_ keys: [RunState.StepKey]) -> [[RunState.StepKey]] {
        var batches: [[RunState.StepKey]] = []
        for key in keys {
            let parallel = saga.phase(key.phase)?.parallel ?? false
            if parallel, let last = batches.last?.last, last.phase == key.phase {
                batches[batches.count - 1].append(key)
            } else {
                batches.append([key])
            }
        }
        return batches
    }

    /// Runs one step's compensation with the step's retry budget. Returns whether it is settled.
    func compensate(_ key: RunState.StepKey) async -> Bool {
        guard let phase = saga.phase(key.phase), let step = phase.steps.first(where: { $0.id == key.step }) else {
            var skipped = event(.compensationSkipped, phase: key.phase, step: key.step)
            skipped.note = "the step is no longer in the saga; nothing to run"
            note(skipped)
            return true
        }
        guard let work = step.compensate else {
            var skipped = event(.compensationSkipped, phase: key.phase, step: key.step)
            skipped.note = step.run.isGateOrApproval
                ? "a gate or approval changes nothing" : "irreversible: the step has no compensation"
            note(skipped)
            return true
        }
        do { try record(event(.compensationStarted, phase: key.phase, step: key.step)) } catch { return false }
        let started = ContinuousClock.now
        let policy = step.retry ?? saga.defaultRetry
        let input = value(of: key)
        var last = ActionOutcome(error: "not run")
        let firstAttempt = (currentState.step(key)?.compensationAttempts ?? 0) + 1
        for attempt in firstAttempt..<(firstAttempt + max(1, policy.attempts)) {
            if attempt > firstAttempt { try? await Task.sleep(for: policy.delay(afterAttempt: attempt - firstAttempt)) }
            last = await perform(work, action: .compensate, step: step, phase: phase, attempt: attempt, input: input)
            if last.succeeded { break }
            if options.interruption?.isKilling == true {
                _ = recordInterrupted(step, in: phase, action: .compensate, log: last.log)
                return false
            }
        }
        var finished = event(last.succeeded ? .compensationSucceeded : .compensationFailed, phase: key.phase, step: key.step)
        finished.durationMs = DurationFormat.milliseconds(ContinuousClock.now - started)
        finished.error = last.error
        finished.log = last.succeeded ? nil : last.log
        note(finished)
        return last.succeeded
    }
}
