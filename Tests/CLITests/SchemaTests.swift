import Foundation
import Testing

/// `belay schema` against the repository's own files (Python's jsonschema does the validating):
/// every playbook and policy the repository ships passes, and the schema rejects the bad fixtures
/// whose mistake is one of shape, which the loader rejects too.
@Suite struct SchemaTests {
    /// Invalid fixtures whose problem a schema can see: keys, types, required fields, enums,
    /// durations, id spelling, the one-action rule.
    static let shapeFixtures = [
        "action-count", "bad-durations", "bad-vars", "empty-lists", "enum-values", "invalid-ids", "missing-fields",
        "not-a-mapping", "unknown-keys", "wrong-types", "environments",
    ]

    static func repositoryFiles() throws -> [String] {
        let root = Tool.repositoryRoot
        let folders = ["playbooks", "Tests/BelayPlaybookTests/Fixtures/valid"]
        var files: [String] = []
        for folder in folders {
            let enumerator = FileManager.default.enumerator(atPath: root.appendingPathComponent(folder).path)
            while let path = enumerator?.nextObject() as? String {
                if path.hasSuffix(".yml") || path.hasSuffix(".yaml") { files.append("\(folder)/\(path)") }
            }
        }
        return files.sorted()
    }

    /// Runs the checker over `files` (repository-relative) and returns its verdict per file.
    static func check(_ files: [String]) throws -> [String: String] {
        let scratch = try ScratchCopy()
        for format in ["playbook", "policy"] {
            let schema = try scratch.belay(["schema", format])
            try #require(schema.status == 0)
            try scratch.write("\(format).json", schema.stdout)
        }
        let script = Tool.repositoryRoot.appendingPathComponent("Tests/Schema/check_schemas.py").path
        let paths = files.map { Tool.repositoryRoot.appendingPathComponent($0).path }
        let result = try Tool.run(
            URL(fileURLWithPath: "/usr/bin/env"), ["python3", script, scratch.url("playbook.json").path, scratch.url("policy.json").path] + paths,
            in: scratch.root)
        try #require(result.status == 0, "\(result.stderr)")
        var verdicts: [String: String] = [:]
        for line in result.stdout.split(separator: "\n") {
            let verdict = line.hasPrefix("valid ") ? "valid" : String(line)
            let path = line.split(separator: " ", maxSplits: 1).last.map { String($0.split(separator: ":").first ?? "") } ?? ""
            verdicts[path.replacingOccurrences(of: Tool.repositoryRoot.path + "/", with: "")] = verdict
        }
        return verdicts
    }

    @Test func everyPlaybookAndPolicyInTheRepositoryMatchesItsSchema() throws {
        let files = try Self.repositoryFiles()
        #expect(files.count >= 10)
        let verdicts = try Self.check(files)
        for file in files { #expect(verdicts[file] == "valid", "\(file): \(verdicts[file] ?? "no verdict")") }
    }

    @Test func theSchemaRejectsTheBadFixturesTheLoaderRejects() throws {
        let files = Self.shapeFixtures.map { "Tests/BelayPlaybookTests/Fixtures/invalid/\($0).yml" }
        let verdicts = try Self.check(files)
        for file in files {
            #expect(verdicts[file]?.hasPrefix("invalid") == true, "the schema accepts \(file)")
            let validate = try Tool.run(belayBinary, ["validate", Tool.repositoryRoot.appendingPathComponent(file).path], in: Tool.repositoryRoot)
            #expect(validate.status == 2, "the loader accepts \(file)")
        }
    }
}
