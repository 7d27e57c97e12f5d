import Foundation
import Testing

private func belay(_ arguments: [String], in directory: URL? = nil) throws -> ToolResult {
    try Tool.run(belayBinary, arguments, in: directory ?? URL(fileURLWithPath: FileManager.default.currentDirectoryPath))
}

/// A fresh directory for one test, removed when it ends.
private func withTemporaryDirectory(_ body: (URL) throws -> Void) throws {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("belay-cli-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    try body(directory)
}

private func write(_ text: String, to name: String, in directory: URL) throws -> String {
    let url = directory.appendingPathComponent(name)
    try text.write(to: url, atomically: true, encoding: .utf8)
    return url.path
}

private let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()

private let goodPlaybook = """
    name: site
    vars: { version: "1.0" }
    phases:
      - id: build
        steps:
          - { id: compile, run: "make {{ vars.version }}", compensate: make clean }
      - id: release
        steps:
          - { id: switch, run: ./switch.sh, compensate: ./switch.sh back }
          - { id: warm, run: ./warm.sh, compensate: ./cool.sh }
      - id: prepare
        needs: []
        steps:
          - { id: fetch, run: ./fetch.sh, compensate: rm -rf cache }
    """

private let badPlaybook = """
    name: site
    phases:
      - id: build
        steps:
          - id: compile
            run: make
            compensat: make clean
    """

@Test func validateAcceptsAGoodPlaybook() throws {
    try withTemporaryDirectory { directory in
        let path = try write(goodPlaybook, to: "good.yml", in: directory)
        let result = try belay(["validate", path])
        #expect(result.status == 0)
        #expect(result.stdout == "✓ \(path): valid (3 phases, 4 steps)\n")
        #expect(result.stderr.isEmpty)
    }
}

@Test func validateReportsProblemsWithLocationAndCaret() throws {
    try withTemporaryDirectory { directory in
        let path = try write(badPlaybook, to: "bad.yml", in: directory)
        let result = try belay(["validate", path])
        #expect(result.status == 2)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.contains("\(path):7:9: error: unknown key 'compensat' in step 'compile'"))
        #expect(result.stderr.contains("        compensat: make clean\n            ^"))
        #expect(result.stderr.contains("hint: did you mean 'compensate'?"))
        #expect(result.stderr.contains("✗ \(path): 1 error"))
        #expect(!result.stderr.contains("\u{1B}["))
    }
}

@Test func validateJSONListsEveryDiagnostic() throws {
    try withTemporaryDirectory { directory in
        let path = try write(badPlaybook + "\n        timeout: soon\n", to: "bad.yml", in: directory)
        let result = try belay(["validate", path, "--json"])
        #expect(result.status == 2)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect(object["file"] as? String == path)
        #expect(object["valid"] as? Bool == false)
        let diagnostics = try #require(object["diagnostics"] as? [[String: Any]])
        #expect(diagnostics.count == 2)
        #expect(diagnostics.map { $0["line"] as? Int } == [7, 8])
        #expect(Set(diagnostics[0].keys) == ["file", "line", "column", "severity", "message", "hint"])
        #expect(diagnostics[0]["column"] as? Int == 9)
        #expect(diagnostics[0]["severity"] as? String == "error")
        #expect(diagnostics[1]["message"] as? String == "timeout 'soon' is not a duration")

        let good = try write(goodPlaybook, to: "good.yml", in: directory)
        let valid = try belay(["validate", good, "--json"])
        #expect(valid.status == 0)
        let validObject = try #require(try JSONSerialization.jsonObject(with: Data(valid.stdout.utf8)) as? [String: Any])
        #expect(validObject["valid"] as? Bool == true)
        #expect((validObject["diagnostics"] as? [Any])?.isEmpty == true)
    }
}

@Test func validateOfAMissingFileExits2() throws {
    let result = try belay(["validate", "/nonexistent/belay/none.yml"])
    #expect(result.status == 2)
    #expect(result.stderr.contains("/nonexistent/belay/none.yml:1:1: error: no such playbook file"))
}

@Test func planShowsPhasesInExecutionOrderAndTheRollbackPoints() throws {
    try withTemporaryDirectory { directory in
        let path = try write(goodPlaybook, to: "good.yml", in: directory)
        let result = try belay(["plan", path, "--var", "version=2.0 rc"])
        #expect(result.status == 0)
        let out = result.stdout
        let headers = out.split(separator: "\n").filter { $0.hasPrefix("Phase ") }
        #expect(headers == [
            "Phase 1/3: build", "Phase 2/3: release (needs build)", "Phase 3/3: prepare",
        ])
        #expect(out.contains("run        make '2.0 rc'"))
        #expect(out.contains("compensate ./switch.sh back"))
        let points = out.split(separator: "\n").filter { $0.hasPrefix("rollback point") }
        #expect(points == [
            "rollback point start  refs/belay/points/<run-id>/start",
            "rollback point build  refs/belay/points/<run-id>/build",
            "rollback point release  refs/belay/points/<run-id>/release",
            "rollback point prepare  refs/belay/points/<run-id>/prepare",
        ])
    }
}

@Test func planFailAtListsTheUnwindInReverseOrderOfStart() throws {
    try withTemporaryDirectory { directory in
        let path = try write(goodPlaybook, to: "good.yml", in: directory)
        let result = try belay(["plan", path, "--fail-at", "release/warm"])
        #expect(result.status == 0)
        let unwind = result.stdout.components(separatedBy: "If release/warm fails:\n").last ?? ""
        #expect(unwind == """
              1. compensate release/warm: ./cool.sh
              2. compensate release/switch: ./switch.sh back
              3. compensate build/compile: make clean
              4. restore workspace to start (refs/belay/points/<run-id>/start)

            """)

        let unknown = try belay(["plan", path, "--fail-at", "release/nope"])
        #expect(unknown.status == 2)
        #expect(unknown.stderr.contains("no step 'release/nope'"))
    }
}

@Test func planOfAParallelPhaseExplainsItsUnwind() throws {
    try withTemporaryDirectory { directory in
        let text = goodPlaybook.replacingOccurrences(of: "  - id: release\n", with: "  - id: release\n    parallel: true\n")
        let path = try write(text, to: "parallel.yml", in: directory)
        let result = try belay(["plan", path, "--fail-at", "release/switch"])
        #expect(result.status == 0)
        #expect(result.stdout.contains("phase release is parallel: each of its steps that started is compensated too"))
        #expect(result.stdout.contains("1. compensate release/warm: ./cool.sh\n  2. compensate release/switch: ./switch.sh back"))
    }
}

@Test func planRefusesAnInvalidPlaybookOrAnUndeclaredVar() throws {
    try withTemporaryDirectory { directory in
        let bad = try write(badPlaybook, to: "bad.yml", in: directory)
        let invalid = try belay(["plan", bad])
        #expect(invalid.status == 2)
        #expect(invalid.stdout.isEmpty)
        #expect(invalid.stderr.contains("\(bad):7:9: error: unknown key 'compensat'"))

        let good = try write(goodPlaybook, to: "good.yml", in: directory)
        let typo = try belay(["plan", good, "--var", "verison=2"])
        #expect(typo.status == 2)
        #expect(typo.stderr.contains("--var verison sets a variable the playbook does not declare"))
        #expect(typo.stderr.contains("did you mean 'version'?"))
    }
}

@Test func planJSONHasPointsAndUnwind() throws {
    try withTemporaryDirectory { directory in
        let path = try write(goodPlaybook, to: "good.yml", in: directory)
        let result = try belay(["plan", path, "--json", "--fail-at", "build/compile"])
        #expect(result.status == 0)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect((object["points"] as? [String])?.last == "refs/belay/points/<run-id>/prepare")
        let phases = try #require(object["phases"] as? [[String: Any]])
        #expect(phases.map { $0["id"] as? String } == ["build", "release", "prepare"])
        let failure = try #require(object["failure"] as? [String: Any])
        let unwind = try #require(failure["unwind"] as? [[String: Any]])
        #expect(unwind.map { $0["step"] as? String } == ["compile"])
        #expect(failure["restore"] as? String == "refs/belay/points/<run-id>/start")
    }
}

@Test func quickstartPlaybookValidatesAndPlans() throws {
    let quickstart = repositoryRoot.appendingPathComponent("playbooks/quickstart.yml").path
    let validate = try belay(["validate", quickstart])
    #expect(validate.status == 0)
    #expect(validate.stdout.contains("valid (3 phases, 3 steps)"))
    #expect(validate.stderr.isEmpty)

    let plan = try belay(["plan", quickstart, "--var", "version=2.0.0", "--fail-at", "release/switch"])
    #expect(plan.status == 0)
    #expect(plan.stdout.contains("run        ./build.sh 2.0.0"))
    #expect(plan.stdout.contains("run        ./switch.sh {{ steps.prepare.build.release_dir }}"))
    let headers = plan.stdout.split(separator: "\n").filter { $0.hasPrefix("Phase ") }.map { $0.split(separator: " ")[2] }
    #expect(headers == ["prepare", "release", "check"])
    #expect(plan.stdout.contains("""
          1. compensate release/switch: ./switch-back.sh
          2. compensate prepare/build: ./unbuild.sh
          3. restore workspace to start
        """))
}

@Test func helpShowsExamples() throws {
    for command in ["validate", "plan"] {
        let result = try belay([command, "--help"])
        #expect(result.status == 0)
        #expect(result.stdout.contains("Examples:"))
        #expect(result.stdout.contains("belay \(command) playbooks/quickstart.yml"))
    }
}
