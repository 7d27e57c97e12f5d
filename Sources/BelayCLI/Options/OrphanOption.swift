import ArgumentParser
import Belay

/// `--kill-orphans`, for the commands that decide a run's unknown steps (`resume`, `rollback`).
struct OrphanOption: ParsableArguments {
    @Flag(help: ArgumentHelp(
        "Terminate a step's process group that outlived the Belay process that started it, instead of waiting for it.",
        discussion: "SIGTERM, then SIGKILL after a grace. Without it, Belay waits for the group (at most until the step's timeout) before deciding anything."))
    var killOrphans = false

    /// What the engine does with a live group of a step whose outcome is unknown.
    var policy: OrphanPolicy { killOrphans ? .kill : .wait }
}
