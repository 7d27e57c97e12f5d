import Belay
import BelayGit
import BelaySupport
import Foundation

/// What the API reads about runs, straight from the journal and the rollback points (the same
/// fold `belay status`, `log`, `points` and `diff` use). Reads only.
enum RunReads {
    /// The process carrying the run on now: the workspace lock names it and it is alive.
    static func holder(run: String, workspace: URL) -> LockHolder? {
        guard let holder = WorkspaceLock.holder(workspace: workspace), holder.run == run, !holder.isStale else { return nil }
        return holder
    }

    static func state(_ run: String, in workspace: ServedWorkspace) throws(APIError) -> RunState {
        do { return try JournalCache.shared.read(run, in: workspace).state } catch {
            throw APIError(status: .internalServerError, message: "run \(run): \(error.description)")
        }
    }

    static func events(_ run: String, in workspace: ServedWorkspace) throws(APIError) -> [JournalEvent] {
        do { return try JournalCache.shared.read(run, in: workspace).events } catch {
            throw APIError(status: .internalServerError, message: "run \(run): \(error.description)")
        }
    }

    static func history(_ run: String, in workspace: ServedWorkspace) throws(APIError) -> RunHistory {
        do { return try workspace.engine.history(run) } catch let error as APIError { throw error } catch {
            throw APIError(status: .internalServerError, message: "run \(run): \(error)")
        }
    }

    /// One line per run of every workspace, newest first.
    static func runs(_ workspaces: ServedWorkspaces) throws(APIError) -> JSONText {
        var rows: [(started: String, row: JSONText)] = []
        for workspace in workspaces.all {
            for run in RunFolder.runIDs(in: workspace.url) {
                guard let state = try? JournalCache.shared.read(run, in: workspace).state else { continue }
                rows.append((state.startedTime ?? "", summary(run, state: state, workspace: workspace)))
            }
        }
        return .array(rows.sorted { $0.started > $1.started }.map(\.row))
    }

    static func summary(_ run: String, state: RunState, workspace: ServedWorkspace) -> JSONText {
        let approval: JSONText = state.status == .waitingApproval
            ? (state.waitingApproval.flatMap { key in state.approvals[key].map { record in
                JSONText.object([("step", .string(key.description)), ("message", .string(record.message)),
                                 ("deadline", .optional(record.deadline))])
            } } ?? .null)
            : .null
        return .object([
            ("run", .string(run)), ("workspace", .string(workspace.name)), ("playbook", .optional(state.playbook)),
            ("status", .string(state.status.rawValue)), ("started", .optional(state.startedTime)),
            ("updated", .optional(state.updatedTime)), ("started_by", .optional(state.startedBy)),
            ("live", .bool(holder(run: run, workspace: workspace.url) != nil)), ("approval", approval),
        ])
    }

    /// Every step with its outcome, outputs (masked as journaled) and the span it ran in.
    static func steps(_ history: RunHistory) -> JSONText {
        let spans = Timeline.spans(history.events)
        return .array(history.state.phases.flatMap { phase in
            phase.steps.map { step in
                let key = RunState.StepKey(phase: phase.id, step: step.id)
                let span = spans.first { $0.key == key && $0.kind == .step }
                return .object([
                    ("phase", .string(phase.id)), ("step", .string(step.id)), ("status", .string(step.status.rawValue)),
                    ("attempts", .int(Int64(step.attempts))), ("duration_ms", .optional(step.durationMs)),
                    ("started", .optional(span?.start)), ("ended", .optional(span?.end)),
                    ("outputs", .object(step.outputs.sorted { $0.key < $1.key }.map { ($0.key, JSONText.string($0.value)) })),
                    ("error", .optional(step.error)), ("compensation", .string(step.compensation.rawValue)),
                ])
            }
        })
    }

    static func points(_ history: RunHistory) async throws(APIError) -> [RunHistory.Point] {
        do { return try await history.points() } catch {
            throw APIError(status: .internalServerError, message: "the rollback points of run \(history.runID): \(error)")
        }
    }

    static func pointsJSON(_ points: [RunHistory.Point]) -> JSONText {
        .array(points.map { point in
            .object([
                ("name", .string(point.name)), ("commit", .string(point.commit)), ("time", .optional(point.time)),
                ("previous", .optional(point.previous)), ("files_changed", .int(Int64(point.changes.count))),
                ("undone", .bool(point.undone)),
            ])
        })
    }

    static func diff(_ history: RunHistory, phase: String) async throws(APIError) -> JSONText {
        let found: (previous: String, changes: [FileChange])
        do { found = try await history.changes(ofPhase: phase) } catch {
            guard let engineError = error as? EngineError, engineError.code != .checkpoint else {
                throw APIError(status: .internalServerError, message: "\(error)")
            }
            throw APIError.notFound(engineError.description)
        }
        let files: [JSONText] = found.changes.map(Self.file)
        return .object([
            ("run", .string(history.runID)), ("phase", .string(phase)), ("from", .string(found.previous)),
            ("files", .array(files)),
        ])
    }

    private static func file(_ change: FileChange) -> JSONText {
        var members: [(String, JSONText)] = [("path", .string(change.path)), ("change", .string(change.kind.rawValue))]
        members.append(("old_path", .optional(change.oldPath)))
        members.append(("lines_added", .int(Int64(change.linesAdded))))
        members.append(("lines_removed", .int(Int64(change.linesRemoved))))
        members.append(("binary", .bool(change.isBinary)))
        return .object(members)
    }

    /// Gate decisions and approvals, in journal order.
    static func decisions(_ history: RunHistory) -> JSONText {
        let state = history.state
        let gates = state.gates.sorted { $0.value.time < $1.value.time }.map { key, gate in
            JSONText.object([
                ("step", .string(key.description)), ("decision", .string(gate.decision)),
                ("summary", .optional(gate.summary)), ("report", .optional(gate.report)), ("time", .string(gate.time)),
                ("criteria", .object(gate.criteria.sorted { $0.key < $1.key }.map { ($0.key, JSONText.string($0.value)) })),
            ])
        }
        let approvals = state.approvals.sorted { $0.value.requestedTime < $1.value.requestedTime }.map { key, record in
            JSONText.object([
                ("step", .string(key.description)), ("message", .string(record.message)),
                ("requested", .string(record.requestedTime)), ("deadline", .optional(record.deadline)),
                ("decision", .optional(record.decision)), ("by", .optional(record.by)), ("comment", .optional(record.comment)),
                ("decided", .optional(record.decidedTime)), ("note", .optional(record.note)),
            ])
        }
        return .object([("gates", .array(gates)), ("approvals", .array(approvals))])
    }

    /// The newest log of `action` (`run`, `verify`, `compensate`, `cancel`) of a step, as stored
    /// (masked); its last 512 KiB.
    static func log(run: String, phase: String, step: String, action: String, workspace: ServedWorkspace) throws(APIError) -> String {
        let folder = RunFolder(workspace: workspace.url, runID: run).logs
        let prefix = "\(phase).\(step).\(action)."
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).filter {
            $0.hasPrefix(prefix) && $0.hasSuffix(".log") && Int($0.dropFirst(prefix.count).dropLast(4)) != nil
        }
        guard let newest = names.max(by: { Int($0.dropFirst(prefix.count).dropLast(4))! < Int($1.dropFirst(prefix.count).dropLast(4))! })
        else { throw .notFound("run \(run) has no \(action) log for step \(phase)/\(step)") }
        guard let handle = try? FileHandle(forReadingFrom: folder.appendingPathComponent(newest)) else {
            throw .notFound("cannot read the log \(newest) of run \(run)")
        }
        defer { try? handle.close() }
        let size = (try? handle.seekToEnd()) ?? 0
        let keep: UInt64 = 512 << 10
        try? handle.seek(toOffset: size > keep ? size - keep : 0)
        let data = (try? handle.readToEnd()) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }
}
