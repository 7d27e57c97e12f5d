import BelayPlaybook
import BelaySupport
import Foundation

extension SagaExecution {
    /// An approval step (or a gate whose CONDITIONAL_PROCEED needs a person). The request is journaled
    /// (`approval_requested`, with its deadline) before anyone is asked, so the wait survives the
    /// process: a later resume finds the decision recorded meanwhile, or applies `on_timeout`
    /// once the deadline — counted from the first request — has passed.
    func performApproval(
        message template: String, timeout: Duration?, onTimeout: ApprovalAction.OnTimeout, context: StepContext
    ) async -> ActionOutcome {
        let key = RunState.StepKey(phase: context.phase, step: context.step)
        let open = currentState.approvals[key].flatMap { $0.settled ? nil : $0 }
        let request: RunState.ApprovalRecord
        if let open {
            request = open
        } else {
            var requested = event(.approvalRequested, phase: key.phase, step: key.step)
            requested.note = renderMessage(template)
            if let timeout {
                requested.deadline = JournalClock.format(Date().addingTimeInterval(Self.seconds(timeout)))
            }
            do { try record(requested) } catch {
                return ActionOutcome(error: "cannot journal the approval request: \(error)")
            }
            guard let made = currentState.approvals[key] else { return ActionOutcome(error: "the approval request was lost") }
            request = made
        }
        if let decision = request.decision {
            return approvalOutcome(approved: decision == "approved", by: request.by, comment: request.comment)
        }
        if let deadline = request.deadlineDate, Date() >= deadline {
            return timedOut(key, request: request, onTimeout: onTimeout)
        }
        let question = ApprovalRequest(run: runID, step: key, message: request.message, deadline: request.deadlineDate)
        if let answer = await gateSteps.answer(question, context: context) {
            var decided = event(.approvalRecorded, phase: key.phase, step: key.step)
            decided.decision = answer.approved ? .approved : .rejected
            decided.by = answer.by
            decided.comment = answer.comment
            decided.note = answer.note
            do { try record(decided) } catch {
                return ActionOutcome(error: "cannot journal the approval: \(error)")
            }
            return approvalOutcome(approved: answer.approved, by: answer.by, comment: answer.comment)
        }
        if let deadline = request.deadlineDate, Date() >= deadline {
            return timedOut(key, request: request, onTimeout: onTimeout)
        }
        return ActionOutcome(waiting: true)
    }

    static func seconds(_ duration: Duration) -> TimeInterval {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }

    private func timedOut(
        _ key: RunState.StepKey, request: RunState.ApprovalRecord, onTimeout: ApprovalAction.OnTimeout
    ) -> ActionOutcome {
        var decided = event(.approvalRecorded, phase: key.phase, step: key.step)
        decided.decision = onTimeout == .approve ? .approved : .rejected
        decided.by = "timeout"
        decided.note = "no decision by \(request.deadline ?? "the deadline"); on_timeout: \(onTimeout.rawValue)"
        do { try record(decided) } catch {
            return ActionOutcome(error: "cannot journal the approval's timeout: \(error)")
        }
        if onTimeout == .approve { return ActionOutcome(outputs: ["approved_by": "timeout"]) }
        return ActionOutcome(error: "not approved in time: \(decided.note!)")
    }

    private func approvalOutcome(approved: Bool, by: String?, comment: String?) -> ActionOutcome {
        let who = by ?? "unknown"
        if approved { return ActionOutcome(outputs: ["approved_by": who]) }
        return ActionOutcome(error: "rejected by \(who)" + (comment.map { ": \($0)" } ?? ""))
    }

    /// `{{ vars.x }}` and `{{ steps.p.s.key }}` filled in as plain text (a message is not a command).
    func renderMessage(_ template: String) -> String {
        Template(template).segments.map { segment in
            switch segment {
            case .literal(let text): return text
            case .placeholder(let reference, _):
                let value: String? =
                    switch reference {
                    case .variable(let name): saga.vars[name]
                    case .stepOutput(let phase, let step, let key): outputs(of: .init(phase: phase, step: step))[key]
                    }
                return value ?? "{{ \(reference) }}"
            case .invalid(let text, _): return text
            }
        }.joined()
    }

    /// Ends the run `waiting_approval` (exit 75): a commit of the workspace as left, so `resume` can
    /// tell outside changes, then `run_waiting`.
    func stopForApproval(_ failure: RunState.Failure, at step: RunState.StepKey) async -> RunOutcome {
        // A real failure of another step of a parallel phase comes first.
        if let real = currentState.failure, real.step != step { return await handle(real) }
        await recordStopCommit(event: "waiting_approval", phase: step.phase)
        var waiting = event(.runWaiting, phase: step.phase, step: step.step)
        waiting.note = currentState.approvals[step]?.message
        waiting.deadline = currentState.approvals[step]?.deadline
        note(waiting)
        return outcome(.paused(failure: failure))
    }
}

extension RunOutcome {
    /// The approval step the run stopped at (`.paused` with status `waiting_approval`), if any.
    public var waitingApproval: RunState.StepKey? {
        state.status == .waitingApproval ? state.waitingApproval : nil
    }
}

/// Decisions on waiting approvals, recorded from outside the run (`belay approve`).
public enum ApprovalDecision {
    /// `Engine.approve` with the workspace's local stores.
    @discardableResult
    public static func record(
        run runID: String, workspace: URL, approved: Bool, by: String, comment: String?
    ) throws(EngineError) -> (step: RunState.StepKey, event: JournalEvent) {
        try Engine(workspace: workspace).approve(runID, approved: approved, by: by, comment: comment)
    }
}

extension Engine {
    /// Appends a decision on the approval the run waits for (`approval_recorded`: who, when,
    /// comment) under the lock, held only for the append. A resume then acts on it.
    /// - Throws: `.noApprovalPending` or `.approvalAlreadyDecided` when no step waits; `.locked`
    ///   while a process runs it.
    @discardableResult
    public func approve(
        _ runID: String, approved: Bool, by: String, comment: String?
    ) throws(EngineError) -> (step: RunState.StepKey, event: JournalEvent) {
        let (lock, state) = try lockAndRead(runID)
        defer { lock.release() }
        guard let key = state.waitingApproval, state.approvals[key]?.decision == nil else {
            if let decided = state.approvals.first(where: { !$0.value.settled && $0.value.decision != nil }) {
                throw EngineError(.noApprovalPending, .approvalAlreadyDecided(
                    runID: runID, step: decided.key, decision: decided.value.decision ?? "?", by: decided.value.by))
            }
            throw EngineError(.noApprovalPending, .noApprovalPending(runID: runID, status: state.status))
        }
        let journal = try stores.journal.appender(run: runID, creating: false, lastSeq: state.lastSeq)
        var event = JournalEvent(event: .approvalRecorded)
        event.run = runID
        event.phase = key.phase
        event.step = key.step
        event.decision = approved ? .approved : .rejected
        event.by = by
        event.comment = comment
        event.note = "recorded from outside the run"
        return (key, try journal.append(event))
    }
}
