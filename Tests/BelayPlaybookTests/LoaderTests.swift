import BelaySupport
import Testing

@testable import BelayPlaybook
import BelayModel

private func phases(_ specs: [(id: String, needs: String?)]) -> String {
    var text = "name: order\nphases:\n"
    for spec in specs {
        text += "  - id: \(spec.id)\n"
        if let needs = spec.needs { text += "    needs: \(needs)\n" }
        text += "    steps:\n      - { id: s, run: echo \(spec.id), compensate: \"true\" }\n"
    }
    return text
}

private func order(_ specs: [(id: String, needs: String?)]) throws -> [String] {
    try PlaybookLoader.load(text: phases(specs), file: "p.yml").executionOrder().map(\.id)
}

@Test func phasesWithoutNeedsRunInFileOrder() throws {
    #expect(try order([("a", nil), ("b", nil), ("c", nil)]) == ["a", "b", "c"])
}

@Test func needsCanMoveAPhaseAfterALaterOne() throws {
    // c follows b by default; a needs c, so a runs last.
    #expect(try order([("a", "[c]"), ("b", "[]"), ("c", nil)]) == ["b", "c", "a"])
}

@Test func independentPhasesKeepFileOrderAsTieBreak() throws {
    #expect(try order([("x", "[]"), ("y", "[]"), ("z", "[y, x]"), ("w", "[]")]) == ["x", "y", "z", "w"])
    #expect(try order([("late", "[early]"), ("other", "[]"), ("early", "[]")]) == ["other", "early", "late"])
}

@Test func aCycleIsNamedAndExecutionOrderStillListsEveryPhase() throws {
    let text = phases([("a", "[c]"), ("b", nil), ("c", nil)])
    let diagnostics = PlaybookLoader.diagnose(text: text, file: "p.yml")
    #expect(diagnostics.map(\.message) == ["phases depend on each other in a cycle: a → c → b → a"])
    #expect(diagnostics.first?.location.line == 4)
    let model = Playbook(name: "x", phases: [
        PlaybookPhase(id: "a", needs: ["b"], steps: []), PlaybookPhase(id: "b", steps: []), PlaybookPhase(id: "c", steps: []),
    ])
    // a and b wait for each other; c waits for b: nothing is ready, so all follow in file order.
    #expect(model.executionOrder().map(\.id) == ["a", "b", "c"])
}

@Test func twoSeparateCyclesAreTwoDiagnostics() {
    let text = phases([("a", "[b]"), ("b", "[a]"), ("c", "[d]"), ("d", "[c]")])
    let messages = PlaybookLoader.diagnose(text: text, file: "p.yml").map(\.message)
    #expect(messages == [
        "phases depend on each other in a cycle: a → b → a",
        "phases depend on each other in a cycle: c → d → c",
    ])
}

private let withVars = """
    name: vars
    vars: { version: "1.0", fail_at: "" }
    phases:
      - id: p
        steps:
          - { id: s, run: "echo {{ vars.version }}", compensate: "true" }
    """

@Test func overridesReplaceDeclaredValuesAndKeepOrder() throws {
    let playbook = try PlaybookLoader.load(text: withVars, file: "p.yml", overrides: ["fail_at": "p/s"])
    #expect(playbook.vars == [Variable("version", "1.0"), Variable("fail_at", "p/s")])
}

@Test func overridingAnUndeclaredVariableIsAnErrorWithASuggestion() throws {
    let error = try #require(throws: DiagnosticsError.self) {
        try PlaybookLoader.load(text: withVars, file: "p.yml", overrides: ["verison": "2.0", "zzz": "1"])
    }
    #expect(error.diagnostics.map(\.message) == [
        "the override verison sets a variable the playbook does not declare",
        "the override zzz sets a variable the playbook does not declare",
    ])
    #expect(error.diagnostics.first?.hint == "did you mean 'version'?")
    #expect(error.diagnostics.first?.location == SourceLocation(file: "p.yml", line: 2, column: 1))
}

@Test func warningsDoNotStopLoading() throws {
    let text = """
        name: w
        env: { BELAY_X: "1" }
        phases:
          - id: p
            max_parallel: 2
            steps:
              - { id: s, run: "true", compensate: "true" }
        """
    let analysis = PlaybookLoader.analyze(text: text, file: "w.yml")
    #expect(analysis.diagnostics.map(\.severity) == [.warning, .warning])
    #expect(analysis.playbook?.phases.first?.maxParallel == 2)
}

@Test func loadingAMissingFileIsALocatedDiagnostic() throws {
    let error = try #require(throws: DiagnosticsError.self) {
        try PlaybookLoader.load(path: "/nonexistent/belay-playbook.yml")
    }
    #expect(error.diagnostics.map(\.message) == ["no such playbook file"])
}

@Test func placeholdersInsideABlockCommandPointAtTheirLine() {
    let text = """
        name: block
        vars: { a: "1" }
        phases:
          - id: p
            steps:
              - id: s
                run: |
                  echo {{ vars.a }}
                  echo {{ vars.a }} {{ vars.b }}
                compensate: "true"
        """
    let diagnostics = PlaybookLoader.diagnose(text: text, file: "b.yml")
    #expect(diagnostics.map { "\($0.location.line):\($0.location.column)" } == ["9:29"])
}

@Test func idRules() {
    #expect(Identifier.isValidID("deploy-web_2"))
    #expect(Identifier.isValidID("9lives"))
    #expect(!Identifier.isValidID("Deploy"))
    #expect(!Identifier.isValidID("-x"))
    #expect(!Identifier.isValidID(""))
    #expect(Identifier.isEnvironmentName("_DB_PASSWORD2"))
    #expect(!Identifier.isEnvironmentName("DB-PASSWORD"))
    #expect(Identifier.environmentName(ofVariable: "fail-at") == "BELAY_VAR_FAIL_AT")
}

@Test func swappedLettersAreSuggested() {
    #expect(Suggestion.closest(to: "biuld", among: ["build", "ship"]) == "build")
    #expect(Suggestion.closest(to: "xyz", among: ["build", "ship"]) == nil)
}
