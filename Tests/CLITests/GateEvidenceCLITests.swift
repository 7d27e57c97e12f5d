import Foundation
import Testing

/// The built `belay gate` on broken real-world evidence: an exit code CI understands (0–3) and a
/// located message, never a crash.
@Suite struct GateEvidenceCLITests {
    func belay(_ arguments: [String], in directory: String) throws -> ToolResult {
        try Tool.run(belayBinary, arguments, in: URL(fileURLWithPath: directory))
    }

    func withWorkspace<T>(_ body: (String) throws -> T) throws -> T {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("belay-gate-evidence-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        return try body(dir)
    }

    func policy(_ dir: String) throws {
        try """
            gate: ci
            inputs:
              coverage: { cobertura: coverage.xml }
            criteria:
              - { id: coverage, source: coverage, metric: branch_rate, min: 0.5, key: true }
            """.write(toFile: dir + "/gate.yml", atomically: true, encoding: .utf8)
    }

    /// MATLAB writes branches-covered="NaN"; the gate once died converting it (exit 132, no report).
    @Test(arguments: ["NaN", "-inf", "1e30"])
    func aCountThatIsNotACountBlocksWithItsLocation(value: String) throws {
        try withWorkspace { dir in
            try policy(dir)
            try """
                <?xml version="1.0"?>
                <coverage line-rate="0.5" branch-rate="0.5" branches-covered="\(value)" branches-valid="10"><packages/></coverage>
                """.write(toFile: dir + "/coverage.xml", atomically: true, encoding: .utf8)
            let result = try belay(["gate", "--policy", "gate.yml"], in: dir)
            #expect(result.status == 1, "a key criterion on unreadable evidence blocks: \(result.stderr)")
            #expect(result.stdout.contains("BLOCK"))
            #expect(result.stdout.contains("coverage.xml:2:"), "\(result.stdout)")
            #expect(result.stdout.contains("branches-covered=\"\(value)\""), "\(result.stdout)")
        }
    }

    @Test func unmeasuredBranchesAreMissingNotZero() throws {
        try withWorkspace { dir in
            try policy(dir)
            try #"<coverage line-rate="0.9" branch-rate="0" branches-covered="0" branches-valid="0"><packages/></coverage>"#
                .write(toFile: dir + "/coverage.xml", atomically: true, encoding: .utf8)
            let result = try belay(["gate", "--policy", "gate.yml"], in: dir)
            #expect(result.status == 1)
            #expect(result.stdout.contains("measured no branch"), "\(result.stdout)")
        }
    }
}
