import ArgumentParser

/// How people and CI jobs watch `run`, `resume` and `rollback` as they go.
struct WatchOptions: ParsableArguments {
    @Flag(
        name: [.customLong("follow"), .customShort("v")],
        help: "Stream every step's output as it is written, each line prefixed by its step.")
    var follow = false

    @Option(
        name: .customLong("notify"),
        help: ArgumentHelp(
            "A webhook to POST the run's notable events to (repeatable; adds to the playbook's notify:).",
            valueName: "url"))
    var notify: [String] = []
}
