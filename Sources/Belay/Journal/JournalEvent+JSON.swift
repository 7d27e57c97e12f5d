import BelayModel
import BelaySupport

extension JournalEvent {
    /// The event as one JSON line (no newline), keys in a fixed, readable order.
    public var jsonText: JSONText {
        var members: [(String, JSONText)] = [("seq", .int(Int64(seq))), ("time", .string(time)), ("event", .string(event.rawValue))]
        func add(_ key: CodingKeys, _ value: String?) { if let value { members.append((key.stringValue, .string(value))) } }
        func add(_ key: CodingKeys, _ value: Int64?) { if let value { members.append((key.stringValue, .int(value))) } }
        add(.run, run)
        add(.playbook, playbook)
        add(.workspace, workspace)
        add(.onFailure, onFailure?.rawValue)
        add(.pid, pid.map(Int64.init))
        add(.host, host)
        if let plan {
            members.append(("plan", .array(plan.map { phase in
                var object: [(String, JSONText)] = [("id", .string(phase.id))]
                if let name = phase.name { object.append(("name", .string(name))) }
                if let parallel = phase.parallel { object.append(("parallel", .bool(parallel))) }
                object.append(("steps", .array(phase.steps.map(JSONText.string))))
                return .object(object)
            })))
        }
        if let vars {
            members.append(("vars", .object(vars.sorted { $0.key < $1.key }.map { ($0.key, .string($0.value)) })))
        }
        add(.source, source)
        add(.environment, environment)
        add(.lock, lock)
        if let shown { members.append((CodingKeys.shown.stringValue, .array(shown.map(JSONText.string)))) }
        add(.phase, phase)
        add(.step, step)
        add(.action, action?.rawValue)
        add(.attempt, attempt.map(Int64.init))
        add(.processGroup, processGroup.map(Int64.init))
        add(.processStart, processStart)
        add(.machine, machine)
        add(.exitCode, exitCode.map(Int64.init))
        add(.durationMs, durationMs)
        if let outputs {
            members.append(("outputs", .object(outputs.sorted { $0.key < $1.key }.map { ($0.key, .string($0.value)) })))
        }
        add(.value, value)
        add(.error, error)
        add(.note, note)
        add(.by, by)
        add(.log, log)
        add(.point, point)
        add(.commit, commit)
        add(.tree, tree)
        add(.failedStep, failedStep)
        add(.decision, decision?.rawValue)
        if let criteria {
            members.append(("criteria", .object(criteria.sorted { $0.key < $1.key }.map { ($0.key, .string($0.value)) })))
        }
        add(.comment, comment)
        add(.deadline, deadline)
        if let outcomeUnknown { members.append((CodingKeys.outcomeUnknown.stringValue, .bool(outcomeUnknown))) }
        if let captures {
            members.append(("captures", .object(captures.sorted { $0.key < $1.key }.map { ($0.key, .string($0.value)) })))
        }
        if let preserved { members.append((CodingKeys.preserved.stringValue, .array(preserved.map(JSONText.string)))) }
        return .object(members)
    }
}
