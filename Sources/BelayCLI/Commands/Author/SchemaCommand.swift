import ArgumentParser
import Foundation

struct SchemaCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "schema",
        abstract: "Print the JSON Schema of a playbook or a gate policy, for editor completion.",
        discussion: """
            Save it next to your files and point a YAML editor at it with a first line such as \
            `# yaml-language-server: $schema=playbook.schema.json`. The schema describes the shape \
            (keys, types, allowed values); `belay validate` checks the rest (ids, needs, placeholders).

            Exit status: 0; 2 an unknown format.

            Examples:
              belay schema playbook > playbook.schema.json
              belay schema policy > policy.schema.json
            """
    )

    @Argument(help: ArgumentHelp("playbook or policy.", valueName: "format"))
    var format: SchemaDocument

    func run() throws {
        Terminal.write(format.text, to: .standardOutput)
    }
}
