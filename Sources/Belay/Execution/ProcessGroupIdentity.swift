import Foundation

/// A step's process group as the journal records it: the group id and the start time of its leader,
/// so that a later Belay process can tell "the step is still running" from "that pid now belongs to
/// something else".
///
/// The start time is the leader's `starttime` (clock ticks since boot, field 22 of `/proc/<pid>/stat`).
/// A pid cannot be reused as long as a process group with that id still has a member, so once the
/// leader has exited, any member answering for the group is still the step's.
public struct ProcessGroupIdentity: Sendable, Hashable {
    public var group: Int32
    /// The leader's start time, when the system tells it (nil elsewhere than Linux).
    public var startTime: Int64?

    public init(group: Int32, startTime: Int64?) {
        self.group = group
        self.startTime = startTime
    }

    /// The identity of the process group led by `pid`, read now.
    static func of(leader pid: pid_t) -> ProcessGroupIdentity {
        ProcessGroupIdentity(group: pid, startTime: startTime(of: pid))
    }

    /// Whether a process of this group is still alive.
    public var isAlive: Bool {
        guard group > 1 else { return false }
        if let recorded = startTime, let now = Self.startTime(of: group) {
            // The leader is alive, or its pid was reused by another process (the group then had no
            // member left, or the pid could not have been reused).
            return now == recorded
        }
        return kill(-group, 0) == 0 || errno == EPERM
    }

    /// SIGTERM to the whole group, then SIGKILL to whatever is left after `grace`.
    func terminate(grace: Duration) async {
        guard isAlive else { return }
        kill(-group, SIGTERM)
        let deadline = ContinuousClock.now + grace
        while ContinuousClock.now < deadline {
            if !isAlive { return }
            try? await Task.sleep(for: .milliseconds(20))
        }
        if isAlive { kill(-group, SIGKILL) }
    }

    /// Field 22 of `/proc/<pid>/stat`; nil when the process is gone or the system has no `/proc`.
    /// Read once per step spawned, so with one `read` into a buffer on the stack.
    static func startTime(of pid: pid_t) -> Int64? {
        let fd = open("/proc/\(pid)/stat", O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 1024) { buffer -> Int64? in
            let count = read(fd, buffer.baseAddress, buffer.count)
            guard count > 0 else { return nil }
            let text = buffer[..<count]
            // The command name (field 2) is in parentheses and may itself hold spaces or parentheses.
            guard let close = text.lastIndex(of: UInt8(ascii: ")")) else { return nil }
            let fields = text[(close + 1)...].split(separator: UInt8(ascii: " "))
            // After the name come field 3 (state) onwards: field 22 is the 20th.
            guard fields.count > 19 else { return nil }
            return Int64(String(decoding: fields[19], as: UTF8.self))
        }
    }
}
