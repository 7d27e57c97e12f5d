import Foundation
#if canImport(CBelaySpawn)
import CBelaySpawn
#endif

/// A step's process, started with `posix_spawn` in a process group of its own and waited for with
/// one `waitid`.
///
/// A deploy runs thousands of small steps, so starting one is on the hot path: the C library's
/// `posix_spawn` clones without copying Belay's memory and reports a failed `exec` as its result,
/// and the wait takes one thread of its own, never one of the few that async tasks share.
struct ChildProcess: Sendable {
    /// The process id, which is also its process group's id.
    let pid: pid_t

    /// How a process ended.
    enum Termination: Sendable, Equatable {
        case exited(Int32)
        case signaled(Int32)
    }

    /// Starts `executable` with exactly `arguments` (the first is its `argv[0]`) and `environment`,
    /// in `workingDirectory`, with `input` as its standard input and `output` as both its standard
    /// output and error. Every other descriptor is closed in the child; signal dispositions and the
    /// signal mask start at their defaults, whatever Belay set for itself (a step's `yes | head` needs
    /// SIGPIPE's default).
    static func spawn(
        executable: String, arguments: [String], environment: [String: String], workingDirectory: String,
        input: Int32, output: Int32
    ) throws(SpawnError) -> ChildProcess {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, input, 0)
        posix_spawn_file_actions_adddup2(&actions, output, 1)
        posix_spawn_file_actions_adddup2(&actions, output, 2)
        posix_spawn_file_actions_addchdir_np(&actions, workingDirectory)

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var flags = Int32(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF)
        #if os(Linux)
        posix_spawn_file_actions_addclosefrom_np(&actions, 3)
        #else
        flags |= Int32(POSIX_SPAWN_CLOEXEC_DEFAULT)
        #endif
        posix_spawnattr_setflags(&attributes, Int16(flags))
        posix_spawnattr_setpgroup(&attributes, 0)  // its own group, so a timeout can kill all it started
        var none = sigset_t()
        sigemptyset(&none)
        posix_spawnattr_setsigmask(&attributes, &none)
        var all = sigset_t()
        sigfillset(&all)
        posix_spawnattr_setsigdefault(&attributes, &all)

        let argv = CStrings(arguments)
        let envp = CStrings(environment.compactMap { name, value in
            // A name the C environment cannot hold is left out, as a shell would.
            name.isEmpty || name.utf8.contains(UInt8(ascii: "=")) ? nil : name + "=" + value
        })
        var pid: pid_t = 0
        let result = withExtendedLifetime((argv, envp)) {
            posix_spawn(&pid, executable, &actions, &attributes, argv.pointers, envp.pointers)
        }
        guard result == 0 else { throw SpawnError(executable: executable, code: result) }
        return ChildProcess(pid: pid)
    }

    /// Blocks until the process ends, and reaps it.
    func waitForExit() -> Termination {
        var info = siginfo_t()
        while waitid(P_PID, id_t(pid), &info, WEXITED) != 0 {
            guard errno == EINTR else { return .exited(-1) }
        }
        #if os(Linux)
        let status = info._sifields._sigchld.si_status
        #else
        let status = info.si_status
        #endif
        return info.si_code == CLD_EXITED ? .exited(status) : .signaled(status)
    }

    /// A pipe whose ends a spawned process does not inherit unless handed them.
    static func pipe() -> (read: Int32, write: Int32)? {
        var ends: [Int32] = [0, 0]
        guard Foundation.pipe(&ends) == 0 else { return nil }
        for end in ends { _ = fcntl(end, F_SETFD, FD_CLOEXEC) }
        return (ends[0], ends[1])
    }

    /// Runs `body` on a thread of its own and returns what it returns: for blocking waits (a process,
    /// a pipe) that must not hold up other steps of a parallel phase.
    static func onOwnThread<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            Thread { continuation.resume(returning: body()) }.start()
        }
    }
}

/// `posix_spawn` refused to start a process.
struct SpawnError: Error, CustomStringConvertible {
    var executable: String
    var code: Int32
    var description: String { "cannot run \(executable): \(String(cString: strerror(code)))" }
}

/// A NULL-terminated array of C strings that lives as long as this value.
private final class CStrings {
    let pointers: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>
    private let count: Int

    init(_ strings: [String]) {
        count = strings.count
        pointers = .allocate(capacity: count + 1)
        for (index, string) in strings.enumerated() { pointers[index] = strdup(string) }
        pointers[count] = nil
    }

    deinit {
        for index in 0..<count { free(pointers[index]) }
        pointers.deallocate()
    }
}
