import Foundation

extension JournalLineParser {
    /// The members a journal line can hold, found from a key's bytes without building a string
    /// (`ShortBytes.Table`).
    enum Member: Int, CaseIterable {
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

        /// The member `bytes` names, found without building a string or comparing with each key.
        init?(_ bytes: UnsafeBufferPointer<UInt8>) {
            guard let index = Self.table.index(of: bytes) else { return nil }
            self.init(rawValue: index)
        }

        private static let table = ShortBytes.Table(allCases.map {
            Array(UnsafeBufferPointer(start: $0.key.utf8Start, count: $0.key.utf8CodeUnitCount))
        })
    }
}

extension JournalEvent.Kind {
    /// The kind `bytes` names, found like a member (`JournalLineParser.Member.init`).
    init?(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard let found = Self.found(bytes) else { return nil }
        self = found.kind
    }

    /// The kind `bytes` names and its position among all kinds.
    static func found(_ bytes: UnsafeBufferPointer<UInt8>) -> (kind: Self, index: Int)? {
        guard let index = lookup.table.index(of: bytes) else { return nil }
        return (lookup.kinds[index], index)
    }

    private static let lookup = (table: ShortBytes.Table(allCases.map { Array($0.rawValue.utf8) }), kinds: allCases)
}
