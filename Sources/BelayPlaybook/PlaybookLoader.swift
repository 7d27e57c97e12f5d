import BelayModel
import BelaySupport
import Foundation

/// Turns a playbook file into a validated `Playbook`, or into every problem it has, each located.
///
/// Loading is two passes over one parse: the shape of each part (keys, types, durations, the
/// one-action rule), then the references between parts (ids, `needs`, cycles, placeholders).
public enum PlaybookLoader {
    /// The outcome of one pass over a file: the model when there are no errors, and every diagnostic
    /// (warnings included) sorted by position.
    public struct Analysis: Sendable {
        public var playbook: Playbook?
        public var diagnostics: [Diagnostic]

        public var errors: [Diagnostic] { diagnostics.filter { $0.severity == .error } }

        public init(playbook: Playbook?, diagnostics: [Diagnostic]) {
            self.playbook = playbook
            self.diagnostics = diagnostics
        }
    }

    /// Loads and validates a playbook file; every problem is reported at once.
    ///
    /// `overrides` are values given from outside the playbook, and `overrideLabel` names where they
    /// come from in messages (a front end's flag). They may only set variables the playbook
    /// declares: a misspelt override would otherwise be ignored without a word and the run would use
    /// the default.
    public static func load(
        path: String, overrides: [String: String] = [:], overrideLabel: String = "the override"
    ) throws(DiagnosticsError) -> Playbook {
        try load(text: read(path), file: path, overrides: overrides, overrideLabel: overrideLabel)
    }

    public static func load(
        text: String, file: String, overrides: [String: String] = [:], overrideLabel: String = "the override",
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws(DiagnosticsError) -> Playbook {
        let analysis = analyze(
            text: text, file: file, overrides: overrides, overrideLabel: overrideLabel, environment: environment)
        guard let playbook = analysis.playbook else { throw DiagnosticsError(analysis.diagnostics) }
        return playbook
    }

    /// Diagnostics only (warnings included), for `validate`.
    public static func diagnose(text: String, file: String) -> [Diagnostic] {
        analyze(text: text, file: file).diagnostics
    }

    /// Both results of one pass, for callers that report warnings and also use the model.
    public static func analyze(
        text: String, file: String, overrides: [String: String] = [:], overrideLabel: String = "the override",
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) -> Analysis {
        let reader = YAMLReader(file: file, text: text)
        guard let draft = PlaybookParser(reader: reader).parse() else {
            return Analysis(playbook: nil, diagnostics: sorted(reader.diagnostics.map(explainingTabs)))
        }
        var checks = PlaybookChecks(reader: reader, draft: draft)
        checks.run(overrides: overrides, label: overrideLabel)
        let diagnostics = sorted(reader.diagnostics + checks.diagnostics)
        guard !diagnostics.contains(where: { $0.severity == .error }) else {
            return Analysis(playbook: nil, diagnostics: diagnostics)
        }
        var playbook = draft.playbook
        for index in playbook.vars.indices {
            let name = playbook.vars[index].name
            if let value = overrides[name] {
                playbook.vars[index].value = value
                playbook.vars[index].hasValue = true
            } else if playbook.vars[index].secret,
                let value = environment[Identifier.environmentName(ofVariable: name)], !value.isEmpty
            {
                // A secret is never written down: a run (or a resume) gets it from the environment,
                // which wins over a default in the file.
                playbook.vars[index].value = value
                playbook.vars[index].hasValue = true
            }
        }
        return Analysis(playbook: playbook, diagnostics: diagnostics)
    }

    /// The file's text, or a diagnostic saying why it could not be read.
    public static func read(_ path: String) throws(DiagnosticsError) -> String {
        do {
            let data = try Data(contentsOf: URL(fileURLWithPath: path))
            guard let text = String(data: data, encoding: .utf8) else {
                throw DiagnosticsError([
                    Diagnostic(
                        at: SourceLocation(file: path, line: 1, column: 1), "the playbook is not UTF-8 text",
                        hint: "save the file as UTF-8")
                ])
            }
            return text
        } catch let error as DiagnosticsError {
            throw error
        } catch {
            let exists = FileManager.default.fileExists(atPath: path)
            throw DiagnosticsError([
                Diagnostic(
                    at: SourceLocation(file: path, line: 1, column: 1),
                    exists ? "cannot read the playbook: \(error.localizedDescription)" : "no such playbook file",
                    hint: exists ? "check the file's permissions" : "check the path")
            ])
        }
    }

    /// libyaml reports a tab in the indentation as "found character that cannot start any token";
    /// say what the character is.
    private static func explainingTabs(_ diagnostic: Diagnostic) -> Diagnostic {
        guard diagnostic.hint == nil, diagnostic.message.hasPrefix("YAML syntax error"),
            let line = diagnostic.sourceLine, line.prefix(while: { $0 == " " || $0 == "\t" }).contains("\t")
        else { return diagnostic }
        var explained = diagnostic
        explained.hint = "this line is indented with a tab; YAML allows only spaces"
        return explained
    }

    /// File order: by line, then column; equal positions keep the order they were found in.
    private static func sorted(_ diagnostics: [Diagnostic]) -> [Diagnostic] {
        diagnostics.enumerated().sorted { a, b in
            let (l, r) = (a.element.location, b.element.location)
            if l.line != r.line { return l.line < r.line }
            if l.column != r.column { return l.column < r.column }
            return a.offset < b.offset
        }.map(\.element)
    }
}
