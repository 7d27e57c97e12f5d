import ArgumentParser
import Belay
import BelayPostgres

/// A rehearsal really runs the playbook's steps, and those may reach the environment (a database, an
/// API): with a shared store it holds the environment's lock for its whole length, as a run would,
/// so it never overlaps a run (or another rehearsal) on the same environment. Its journal and its
/// record stay local: a rehearsal is no run of the shared history.
enum RehearsalLock {
    /// Takes the lock (waiting up to `wait` in the queue, when given) under a holder named
    /// `rehearsal-<id>`. Exits 4 when a live holder keeps it, 2 when the store is unusable.
    static func take(_ locks: PostgresRunLocks, wait: Duration?) async throws -> any HeldRunLock {
        let holder = "rehearsal-" + RunID.make()
        do {
            if let wait { try await LockWait.queue(locks, run: holder, wait: wait) }
            return try locks.acquire(run: holder)
        } catch {
            throw OperateExit.fail(error)
        }
    }
}
