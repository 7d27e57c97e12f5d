// gate-check: a go/no-go decision from Swift, on the same policy files `belay gate` reads.
//
//   swift run gate-check playbooks/release-gate/release-gate.yml
//   swift run gate-check policy.yml --evidence tests='build/**/*.xml' --rehearsal passed
//
// Prints the decision and why, and exits with the decision's exit code: 0 PROCEED,
// 1 BLOCK, 3 CONDITIONAL_PROCEED (2 for a bad policy or usage), so it can stand in a CI step.
import BelayGate
import Foundation

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data((message + "\n").utf8))
    exit(2)
}

// MARK: - Command line

var arguments = CommandLine.arguments.dropFirst()
guard let policyPath = arguments.popFirst(), !policyPath.hasPrefix("-") else {
    fail("usage: gate-check POLICY.yml [--evidence SOURCE=GLOB]... [--rehearsal passed|failed]")
}
var overrides = EvidenceOverrides(directory: FileManager.default.currentDirectoryPath)
var rehearsal: RehearsalEvidence?
while let argument = arguments.popFirst() {
    switch argument {
    case "--evidence":
        // Globs given here replace a source's own and are relative to the current directory.
        guard let assignment = arguments.popFirst(), let (source, glob) = try? EvidenceOverrides.parseAssignment(assignment)
        else { fail("--evidence expects SOURCE=GLOB") }
        overrides.bySource[source, default: []].append(glob)
    case "--rehearsal":
        // Where a rehearsal record comes from is up to the caller: a CI artifact, a database, ...
        rehearsal = RehearsalEvidence(succeeded: arguments.popFirst() == "passed", runID: "given on the command line", finishedAt: Date())
    default:
        fail("unknown argument '\(argument)'")
    }
}

// MARK: - Load, evaluate, report

let policy: GatePolicy
do {
    policy = try GatePolicy.load(path: policyPath)   // every problem at once, each with file:line:col
} catch {
    fail("\(error)\nthe policy is invalid; nothing was evaluated")
}

let rehearsalRecord = rehearsal   // a constant, so the @Sendable lookup may capture it
let evaluator = GateEvaluator(policy: policy, today: .today(), rehearsal: { _ in rehearsalRecord })
let report: GateReport
do {
    report = try evaluator.evaluate(overrides: overrides)
} catch {
    fail("error: \(error)")
}

print("\(report.decision.rawValue) — gate '\(report.gate)', \(report.warnings) warning\(report.warnings == 1 ? "" : "s")")
for criterion in report.criteria {
    let value = criterion.value?.text ?? "no evidence"
    print("  \(criterion.symbol) \(criterion.id)\(criterion.key ? " (key)" : ""): \(value) — \(criterion.message)")
}
print("because:")
for reason in report.reasons { print("  - \(reason)") }
exit(report.decision.exitCode)
