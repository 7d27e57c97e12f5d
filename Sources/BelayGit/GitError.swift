import CGit2
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A failure in Belay's git layer: what Belay was doing, and why it failed (libgit2's own message when
/// libgit2 reported it, else the operating system's).
public struct GitError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The kinds of failure callers may want to tell apart.
    public enum Code: String, Sendable, Hashable {
        /// A reference, object or path that was asked for does not exist.
        case notFound
        /// Something that was to be created already exists.
        case alreadyExists
        /// A reference moved under us (compare-and-swap lost), or another process holds a lock.
        case conflict
        /// A run id, point name, trailer key or path that Belay cannot use.
        case invalidName
        /// Reading or writing the workspace failed.
        case io
        /// Any other libgit2 failure.
        case libgit2
    }

    public let code: Code
    /// What Belay was doing, e.g. "updating refs/belay/runs/r1".
    public let operation: String
    /// Why it failed.
    public let reason: String

    public init(_ code: Code, operation: String, reason: String) {
        self.code = code
        self.operation = operation
        self.reason = reason
    }

    public var description: String { "\(operation) failed: \(reason)" }
}

extension GitError {
    /// Builds the error for a failed libgit2 call. Must run right after the call, on the same thread,
    /// because `git_error_last()` is thread-local and the next libgit2 call may clear it.
    static func fromLibgit2(_ result: Int32, operation: String) -> GitError {
        var reason = "libgit2 error \(result)"
        if let last = git_error_last(), let message = last.pointee.message {
            reason = String(cString: message)
        }
        let code: Code
        switch git_error_code(result) {
        case GIT_ENOTFOUND: code = .notFound
        case GIT_EEXISTS: code = .alreadyExists
        case GIT_EMODIFIED, GIT_ELOCKED: code = .conflict
        case GIT_EINVALIDSPEC: code = .invalidName
        default: code = .libgit2
        }
        return GitError(code, operation: operation, reason: reason)
    }

    /// Builds the error for a failed system call from `errno`.
    static func fromErrno(_ number: Int32, operation: String) -> GitError {
        GitError(.io, operation: operation, reason: String(cString: strerror(number)))
    }
}

/// Throws a `GitError` when a libgit2 call returned an error; `operation` is evaluated only then.
@inline(__always)
func check(_ result: Int32, _ operation: @autoclosure () -> String) throws {
    if result < 0 { throw GitError.fromLibgit2(result, operation: operation()) }
}
