import Testing
@testable import BelayPlaybook
import BelayModel

@Test func rendersVariablesAsOneShellWord() throws {
    let template = Template("echo {{ vars.version }} {{vars.note}} > out")
    let rendered = try template.render { reference in
        switch reference {
        case .variable("version"): "1.4.2"
        case .variable("note"): "it's $(rm -rf /); echo"
        default: nil
        }
    }
    #expect(rendered == #"echo 1.4.2 'it'\''s $(rm -rf /); echo' > out"#)
}

@Test func findsStepOutputsAndMalformedPlaceholdersWithOffsets() {
    let template = Template("a {{ steps.db.dump.file }} b {{ version }} {{ steps.x }}")
    #expect(template.references.map(\.reference) == [.stepOutput(phase: "db", step: "dump", key: "file")])
    #expect(template.references.map(\.offset) == [2])
    #expect(template.invalidPlaceholders.map(\.text) == ["{{ version }}", "{{ steps.x }}"])
    #expect(template.invalidPlaceholders.map(\.offset) == [29, 43])
}

@Test func missingValueIsAnError() {
    #expect(throws: TemplateError(placeholder: "vars.nope")) {
        try Template("x {{ vars.nope }}").render { _ in nil }
    }
}

@Test func emptyValueStaysOneWord() {
    #expect(ShellQuote.word("") == "''")
    #expect(ShellQuote.word("a b") == "'a b'")
}
