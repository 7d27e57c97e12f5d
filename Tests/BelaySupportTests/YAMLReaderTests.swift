import Testing
@testable import BelaySupport

@Test func reportsUnknownKeysWithASuggestionAndTheirLocation() throws {
    let reader = YAMLReader(file: "p.yml", text: "name: x\ncompensat: y\n")
    let root = try #require(reader.root())
    _ = reader.mapping(root, "the playbook", allowed: ["name", "compensate"], required: ["name"])
    let diagnostic = try #require(reader.diagnostics.first)
    #expect(reader.diagnostics.count == 1)
    #expect(diagnostic.location == SourceLocation(file: "p.yml", line: 2, column: 1))
    #expect(diagnostic.message == "unknown key 'compensat' in the playbook")
    #expect(diagnostic.hint == "did you mean 'compensate'?")
    #expect(diagnostic.rendered.contains("compensat: y\n    ^"))
}

@Test func syntaxErrorsAreLocated() throws {
    let reader = YAMLReader(file: "p.yml", text: "name: x\nphases: [a, b\n")
    #expect(reader.root() == nil)
    let diagnostic = try #require(reader.diagnostics.first)
    #expect(diagnostic.message.hasPrefix("YAML syntax error"))
    #expect(diagnostic.location.line >= 2)
}

@Test func wrongTypesAndMissingKeysAreAllReported() throws {
    let reader = YAMLReader(file: "p.yml", text: "steps: 3\nretries: [1]\n")
    let root = try #require(reader.root())
    let fields = try #require(reader.mapping(root, "a phase", allowed: ["steps", "retries", "id"], required: ["id"]))
    _ = reader.sequence(fields["steps"]!, "steps")
    _ = reader.int(fields["retries"]!, "retries")
    #expect(reader.diagnostics.map(\.location.line) == [1, 1, 2])
    #expect(reader.diagnostics.map(\.message) == [
        "a phase is missing the required key 'id'",
        "steps must be a list, found '3'",
        "retries must be a whole number, found a list",
    ])
}

@Test func anUnclosedBracketIsShownWhereTheContentEnds() throws {
    let reader = YAMLReader(file: "p.yml", text: "name: x\nphases: [a, b\n\n")
    #expect(reader.root() == nil)
    let diagnostic = try #require(reader.diagnostics.first)
    #expect(diagnostic.location == SourceLocation(file: "p.yml", line: 2, column: 14))
    #expect(diagnostic.sourceLine == "phases: [a, b")
}
