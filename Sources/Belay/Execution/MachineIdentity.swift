import Foundation

/// Which machine a step's process runs on, as far as its process group can be seen from here: the
/// host name, the kernel's boot id and the pid namespace. Two Belay processes with the same identity
/// see the same process groups, so one can wait for (or end) a group the other started; with
/// different identities a recorded group id means nothing here, and a live pid with that number
/// would be someone else's.
///
/// `BELAY_MACHINE` replaces it, for hosts where these three do not tell machines apart.
public enum MachineIdentity {
    public static let current: String = {
        if let named = ProcessInfo.processInfo.environment["BELAY_MACHINE"], !named.isEmpty { return named }
        let boot = (try? String(contentsOfFile: "/proc/sys/kernel/random/boot_id", encoding: .utf8))?
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let namespace = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/ns/pid")
        return [ProcessInfo.processInfo.hostName, boot, namespace].compactMap(\.self).joined(separator: " ")
    }()
}
