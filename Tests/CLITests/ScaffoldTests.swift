import Foundation
import Testing

/// `belay init` for each template, then `validate` and `plan`; and `belay schema`.
@Suite struct ScaffoldTests {
    @Test(arguments: ["deploy", "migration", "gate"])
    func initWritesAPlaybookThatValidatesAndPlans(template: String) throws {
        let folder = try ScratchCopy()
        let made = try folder.belay(["init", "--template", template])
        #expect(made.status == 0, "\(made.stderr)")
        for file in ["playbook.yml", ".belayignore", "README.md", "playbook.schema.json"] {
            #expect(folder.exists(file), "missing \(file)")
        }
        #expect(folder.read("playbook.yml")?.hasPrefix("# yaml-language-server: $schema=playbook.schema.json") == true)
        let validate = try folder.belay(["validate", "playbook.yml"])
        #expect(validate.status == 0 && validate.stderr.isEmpty, "\(validate.stderr)")
        let plan = try folder.belay(["plan", "playbook.yml"] + (template == "gate" ? [] : ["--env", "staging"]))
        #expect(plan.status == 0, "\(plan.stderr)")
        #expect(plan.stdout.contains("Plan for \(template)"))

        let again = try folder.belay(["init", "--template", template])
        #expect(again.status == 2)
        #expect(again.stderr.contains("already exist"))
        #expect(again.stderr.contains("nothing was written"))
    }

    @Test func initRunsEndToEnd() throws {
        let folder = try ScratchCopy()
        #expect(try folder.belay(["init", "--template", "migration"]).status == 0)
        let run = try folder.belay(["run", "playbook.yml", "--env", "staging", "--run-id", "m1"])
        #expect(run.status == 0, "\(run.stdout)\(run.stderr)")
        #expect(folder.read("staging-data.txt") == "migration 001\n")
    }

    @Test func schemaPrintsJSONForBothFormatsAndRefusesOthers() throws {
        let folder = try ScratchCopy()
        for format in ["playbook", "policy"] {
            let schema = try folder.belay(["schema", format])
            #expect(schema.status == 0)
            let object = try JSONSerialization.jsonObject(with: Data(schema.stdout.utf8)) as? [String: Any]
            #expect(object?["$schema"] as? String == "http://json-schema.org/draft-07/schema#")
        }
        #expect(try folder.belay(["schema", "plybook"]).status == 2)
    }
}
