import Belay
import Foundation

/// Whether a recorded run is being carried on right now by a live process: the workspace lock
/// names it and its process still exists.
enum LiveRun {
    static func holder(run: String, workspace: URL) -> LockHolder? {
        guard let holder = WorkspaceLock.holder(workspace: workspace), holder.run == run, !holder.isStale else { return nil }
        return holder
    }

    /// A run whose journal has no outcome yet (its status is still moving).
    static func isUnfinished(_ state: RunState) -> Bool {
        state.status == .running || state.status == .compensating
    }
}
