import ArgumentParser
import BelayGate
import BelayPlaybook
import Foundation

struct InitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Start a playbook in the current folder from a template.",
        discussion: """
            Writes playbook.yml, .belayignore, a README.md stub and the playbook's JSON Schema \
            (playbook.schema.json, which the playbook's first line points YAML editors at) into the \
            current folder. The gate template also writes release-gate.yml, a gate policy, and its \
            schema. Every playbook is valid as written: `belay plan playbook.yml` explains it.

            It never overwrites: when any of these files exists, it writes nothing and says which.

            Templates: deploy (build, approve, switch; staging and production environments), \
            migration (back up, migrate, check; restore on failure), gate (evidence, a go/no-go \
            gate, publish).

            Exit status: 0 written; 2 a file exists, or a usage error.

            Examples:
              belay init
              belay init --template migration
              belay init --template gate && belay plan playbook.yml
            """
    )

    @Option(help: ArgumentHelp("deploy, migration or gate.", valueName: "template"))
    var template: StarterTemplate = .deploy

    func run() throws {
        let folder = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
        var files = template.files
        files.append(("playbook.schema.json", SchemaDocument.playbook.text))
        if template == .gate { files.append(("policy.schema.json", SchemaDocument.policy.text)) }
        let existing = files.map(\.path).filter { FileManager.default.fileExists(atPath: folder.appendingPathComponent($0).path) }
        guard existing.isEmpty else {
            Terminal.printError(
                "belay: \(existing.joined(separator: ", ")) already exist\(existing.count == 1 ? "s" : "") in \(folder.path); "
                    + "nothing was written (move \(existing.count == 1 ? "it" : "them") aside, or run belay init in an empty folder)")
            throw ExitCode(2)
        }
        for file in files {
            try Data(file.text.utf8).write(to: folder.appendingPathComponent(file.path))
            Terminal.print("wrote \(file.path)")
        }
        Terminal.print("Next: belay plan playbook.yml\(template == .gate ? "" : " --env staging")")
    }
}
