import Foundation

extension JournalLineParser {
    /// The members a journal line can hold, found from a key's bytes without building a string:
    /// by length first, then by comparing bytes with the few keys of that length.
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

        /// The member `bytes` names: a candidate picked by length and one telling byte, then confirmed
        /// whole, without building a string or hashing.
        init?(_ bytes: UnsafeBufferPointer<UInt8>) {
            let candidate: Member? =
                switch bytes.count {
                case 2: .by
                case 3:
                    switch bytes[0] {
                    case UInt8(ascii: "c"): .crc
                    case UInt8(ascii: "l"): .log
                    case UInt8(ascii: "p"): .pid
                    case UInt8(ascii: "r"): .run
                    case UInt8(ascii: "s"): .seq
                    default: nil
                    }
                case 4:
                    switch bytes[0] {
                    case UInt8(ascii: "h"): .host
                    case UInt8(ascii: "l"): .lock
                    case UInt8(ascii: "n"): .note
                    case UInt8(ascii: "p"): .plan
                    case UInt8(ascii: "s"): .step
                    case UInt8(ascii: "t"):
                        switch bytes[1] {
                        case UInt8(ascii: "i"): .time
                        case UInt8(ascii: "r"): .tree
                        default: nil
                        }
                    case UInt8(ascii: "v"): .vars
                    default: nil
                    }
                case 5:
                    switch bytes[2] {
                    case UInt8(ascii: "a"): .phase
                    case UInt8(ascii: "e"): .event
                    case UInt8(ascii: "i"): .point
                    case UInt8(ascii: "l"): .value
                    case UInt8(ascii: "o"): .shown
                    case UInt8(ascii: "r"): .error
                    default: nil
                    }
                case 6:
                    switch bytes[0] {
                    case UInt8(ascii: "a"): .action
                    case UInt8(ascii: "c"): .commit
                    case UInt8(ascii: "s"): .source
                    default: nil
                    }
                case 7:
                    switch bytes[0] {
                    case UInt8(ascii: "a"): .attempt
                    case UInt8(ascii: "c"): .comment
                    case UInt8(ascii: "m"): .machine
                    case UInt8(ascii: "o"): .outputs
                    default: nil
                    }
                case 8:
                    switch bytes[4] {
                    case UInt8(ascii: "b"): .playbook
                    case UInt8(ascii: "e"): .criteria
                    case UInt8(ascii: "l"): .deadline
                    case UInt8(ascii: "s"): .decision
                    case UInt8(ascii: "u"): .captures
                    default: nil
                    }
                case 9:
                    switch bytes[0] {
                    case UInt8(ascii: "e"): .exitCode
                    case UInt8(ascii: "p"): .preserved
                    case UInt8(ascii: "w"): .workspace
                    default: nil
                    }
                case 10: .onFailure
                case 11:
                    switch bytes[0] {
                    case UInt8(ascii: "d"): .durationMs
                    case UInt8(ascii: "e"): .environment
                    case UInt8(ascii: "f"): .failedStep
                    default: nil
                    }
                case 13:
                    switch bytes[8] {
                    case UInt8(ascii: "g"): .processGroup
                    case UInt8(ascii: "s"): .processStart
                    default: nil
                    }
                case 15: .outcomeUnknown
                default: nil
                }
            guard let candidate, candidate.key.matches(bytes) else { return nil }
            self = candidate
        }
    }
}

extension JournalEvent.Kind {
    /// The kind `bytes` names, found like a member (`JournalLineParser.Member.init`).
    init?(_ bytes: UnsafeBufferPointer<UInt8>) {
        let candidate: Self? =
            switch bytes.count {
            case 7: .warning
            case 9: .runStuck
            case 10:
                switch bytes[4] {
                case UInt8(ascii: "f"): .runFailed
                case UInt8(ascii: "p"): .runPaused
                default: nil
                }
            case 11:
                switch bytes[4] {
                case UInt8(ascii: "_"): .stepFailed
                case UInt8(ascii: "r"): .runResumed
                case UInt8(ascii: "s"): .runStarted
                case UInt8(ascii: "w"): .runWaiting
                default: nil
                }
            case 12:
                switch bytes[7] {
                case UInt8(ascii: "a"): .stepStarted
                case UInt8(ascii: "e"): .orphanEnded
                case UInt8(ascii: "f"): .orphanFound
                case UInt8(ascii: "r"): .stepWarning
                default: nil
                }
            case 13:
                switch bytes[7] {
                case UInt8(ascii: "k"): .phaseSkipped
                case UInt8(ascii: "l"): .lockReleased
                case UInt8(ascii: "p"): .runCompleted
                case UInt8(ascii: "s"): .stepResolved
                case UInt8(ascii: "t"): .phaseStarted
                default: nil
                }
            case 14:
                switch bytes[0] {
                case UInt8(ascii: "g"): .gateEvaluated
                case UInt8(ascii: "s"): .stepSucceeded
                default: nil
                }
            case 15:
                switch bytes[6] {
                case UInt8(ascii: "a"): .lockTakenOver
                case UInt8(ascii: "c"): .phaseCompleted
                case UInt8(ascii: "l"): .runRolledBack
                case UInt8(ascii: "m"): .runCompensated
                case UInt8(ascii: "s"): .processStarted
                case UInt8(ascii: "t"): .attemptStarted
                default: nil
                }
            case 16:
                switch bytes[0] {
                case UInt8(ascii: "a"): .attemptFinished
                case UInt8(ascii: "c"): .capturesDrifted
                case UInt8(ascii: "o"): .orphanElsewhere
                case UInt8(ascii: "r"): .rollbackStarted
                case UInt8(ascii: "s"): .stepInterrupted
                default: nil
                }
            case 17:
                switch bytes[0] {
                case UInt8(ascii: "a"): .approvalRecorded
                case UInt8(ascii: "c"):
                    switch bytes[9] {
                    case UInt8(ascii: "r"): .capturesRecorded
                    case UInt8(ascii: "v"): .capturesVerified
                    default: nil
                    }
                default: nil
                }
            case 18:
                switch bytes[0] {
                case UInt8(ascii: "a"): .approvalRequested
                case UInt8(ascii: "w"): .workspaceRestored
                default: nil
                }
            case 19:
                switch bytes[1] {
                case UInt8(ascii: "h"): .checkpointRecorded
                case UInt8(ascii: "o"): .compensationFailed
                default: nil
                }
            case 20:
                switch bytes[14] {
                case UInt8(ascii: "k"): .compensationSkipped
                case UInt8(ascii: "t"): .compensationStarted
                default: nil
                }
            case 22: .compensationSucceeded
            default: nil
            }
        guard let candidate else { return nil }
        // A kind's name is a literal: its bytes are at hand, to compare whole.
        var name = candidate.rawValue
        guard name.withUTF8({ $0.count == bytes.count && memcmp($0.baseAddress!, bytes.baseAddress!, bytes.count) == 0 })
        else { return nil }
        self = candidate
    }
}

extension StaticString {
    /// Whether `bytes` are this string's bytes.
    func matches(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        bytes.count == utf8CodeUnitCount && memcmp(bytes.baseAddress!, utf8Start, bytes.count) == 0
    }
}
