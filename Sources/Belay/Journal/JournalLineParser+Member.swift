import Foundation

extension JournalLineParser {
    /// The members a journal line can hold, found from a key's bytes without building a string:
    /// by length first, then by comparing bytes with the few keys of that length.
    enum Member: CaseIterable {
        case seq, time, event, crc
        case run, playbook, workspace, source, host, phase, step, value, error, note, by, log, point, commit, tree
        case failedStep, comment, deadline, environment, lock, machine
        case onFailure, action, decision, pid, attempt, exitCode, durationMs, processGroup, processStart
        case outcomeUnknown, vars, outputs, criteria, captures, shown, preserved, plan

        /// The key as written in the journal (`JournalEvent.CodingKeys`).
        var key: StaticString {
            switch self {
            case .seq: "seq"
            case .time: "time"
            case .event: "event"
            case .crc: "crc"
            case .run: "run"
            case .playbook: "playbook"
            case .workspace: "workspace"
            case .source: "source"
            case .host: "host"
            case .phase: "phase"
            case .step: "step"
            case .value: "value"
            case .error: "error"
            case .note: "note"
            case .by: "by"
            case .log: "log"
            case .point: "point"
            case .commit: "commit"
            case .tree: "tree"
            case .failedStep: "failed_step"
            case .comment: "comment"
            case .deadline: "deadline"
            case .environment: "environment"
            case .lock: "lock"
            case .machine: "machine"
            case .onFailure: "on_failure"
            case .action: "action"
            case .decision: "decision"
            case .pid: "pid"
            case .attempt: "attempt"
            case .exitCode: "exit_code"
            case .durationMs: "duration_ms"
            case .processGroup: "process_group"
            case .processStart: "process_start"
            case .outcomeUnknown: "outcome_unknown"
            case .vars: "vars"
            case .outputs: "outputs"
            case .criteria: "criteria"
            case .captures: "captures"
            case .shown: "shown"
            case .preserved: "preserved"
            case .plan: "plan"
            }
        }

        /// The members grouped by the length of their key (index: length).
        private static let byLength: [[Member]] = {
            var table = [[Member]](repeating: [], count: 16)
            for member in allCases { table[member.key.utf8CodeUnitCount].append(member) }
            return table
        }()

        init?(_ key: UnsafeBufferPointer<UInt8>) {
            guard key.count < Self.byLength.count else { return nil }
            for member in Self.byLength[key.count]
            where memcmp(key.baseAddress!, member.key.utf8Start, key.count) == 0 {
                self = member
                return
            }
            return nil
        }
    }
}
