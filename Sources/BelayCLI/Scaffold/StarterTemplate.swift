import ArgumentParser

/// The starting points `belay init` writes: each a playbook valid as written, whose commands only
/// touch files in the folder, so a first `belay run` shows the whole cycle before real commands
/// replace them.
enum StarterTemplate: String, CaseIterable, ExpressibleByArgument {
    case deploy, migration, gate

    /// The files to write, relative to the folder, in order.
    var files: [(path: String, text: String)] {
        var files = [("playbook.yml", playbook), (".belayignore", StarterTexts.belayignore), ("README.md", readme)]
        if self == .gate { files.append(("release-gate.yml", StarterTexts.gatePolicy)) }
        return files
    }

    private var playbook: String {
        switch self {
        case .deploy: StarterTexts.deploy
        case .migration: StarterTexts.migration
        case .gate: StarterTexts.gate
        }
    }

    private var readme: String {
        """
        # \(rawValue)

        A Belay playbook (`playbook.yml`), started with `belay init --template \(rawValue)`.
        Every step pairs a forward command with a compensation that undoes it; every phase ends in a
        rollback point.

        ```sh
        belay validate playbook.yml                  # every problem, with file:line:col
        belay plan playbook.yml --env staging        # what a run would do, with its values; runs nothing
        belay run playbook.yml --env staging         # run it
        belay runs                                   # what ran, where, by whom, who approved
        ```

        Editor completion: `belay schema playbook > playbook.schema.json`; the playbook's first line
        (`# yaml-language-server: $schema=playbook.schema.json`) points YAML editors at it.

        Replace the `echo` commands with real ones, keeping each compensation able to undo its step.

        """
    }
}
