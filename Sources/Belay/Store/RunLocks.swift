import Foundation

/// Who may act on a workspace's runs: one holder at a time.
///
/// A holder whose process is gone is taken over, and the taker reports whom it replaced so the
/// takeover is journaled. The default is `.belay/lock` with an `flock` (`LocalRunLocks`).
public protocol RunLocks: Sendable {
    /// Takes the lock for `run`.
    /// - Throws: `.locked` naming the holder while a live one holds it.
    func acquire(run: String) throws(EngineError) -> any HeldRunLock

    /// The current holder, if any.
    func holder() -> LockHolder?
}

/// A lock this process holds.
public protocol HeldRunLock: Sendable {
    var holder: LockHolder { get }
    /// The holder this lock replaced because its process was gone, if any.
    var tookOverFrom: LockHolder? { get }

    /// Confirms the lock is still ours and extends its hold. A lock held by a live process (the
    /// local one) never lapses, so it only checks; a leased lock pushes its expiry out.
    /// - Throws: `.locked` when another holder has it now.
    func renew() throws(EngineError)

    /// Gives the lock up. Releasing a lock that is no longer ours does nothing.
    func release()
}

/// The workspace's `.belay/lock`.
public struct LocalRunLocks: RunLocks {
    public let workspace: URL

    public init(workspace: URL) { self.workspace = workspace.standardizedFileURL }

    public func acquire(run: String) throws(EngineError) -> any HeldRunLock {
        try WorkspaceLock.acquire(workspace: workspace, run: run)
    }

    public func holder() -> LockHolder? { WorkspaceLock.holder(workspace: workspace) }
}
