import BelayModel
import BelaySupport
import Yams

/// The checks that need the whole playbook: unique ids, `needs` that name real phases and form no
/// cycle, placeholders that name declared variables and earlier steps (values from outside are
/// `VariableResolver`'s job).
struct PlaybookChecks {
    let reader: YAMLReader
    let draft: PlaybookDraft
    private(set) var diagnostics: [Diagnostic] = []
    /// Each phase id's first index, so a placeholder is checked without scanning every phase.
    private let phaseByID: [String: Int]

    init(reader: YAMLReader, draft: PlaybookDraft) {
        self.reader = reader
        self.draft = draft
        var index: [String: Int] = [:]
        for (position, phase) in draft.playbook.phases.enumerated() where index[phase.id] == nil {
            index[phase.id] = position
        }
        phaseByID = index
    }

    mutating func run() {
        checkUniqueIDs()
        checkNeeds()
        let hasCycle = checkCycles()
        checkPlaceholders(order: hasCycle ? nil : PhaseGraph(draft.playbook).order())
    }

    // MARK: Ids

    private mutating func checkUniqueIDs() {
        var phaseLines: [String: Int] = [:]
        for (phase, source) in zip(draft.playbook.phases, draft.phases) {
            guard let idNode = source.idNode else { continue }
            if let line = phaseLines[phase.id] {
                error("duplicate phase id '\(phase.id)'", at: idNode, hint: "phase '\(phase.id)' is already defined at line \(line); ids must be unique")
            } else {
                phaseLines[phase.id] = reader.location(of: idNode).line
            }
            var stepLines: [String: Int] = [:]
            for (step, stepSource) in zip(phase.steps, source.steps) {
                guard let idNode = stepSource.idNode else { continue }
                if let line = stepLines[step.id] {
                    error(
                        "duplicate step id '\(step.id)' in phase '\(phase.id)'", at: idNode,
                        hint: "step '\(step.id)' is already defined at line \(line); ids must be unique within a phase")
                } else {
                    stepLines[step.id] = reader.location(of: idNode).line
                }
            }
        }
    }

    // MARK: Dependencies

    private var phaseIDs: [String] { draft.playbook.phases.map(\.id).filter { !$0.isEmpty } }

    private mutating func checkNeeds() {
        let known = Set(phaseIDs)
        for source in draft.phases {
            for need in source.needs where !known.contains(need.name) {
                error(
                    "unknown phase '\(need.name)' in needs", at: need.node,
                    hint: Suggestion.hint(for: need.name, among: phaseIDs)
                        ?? "phases: \(phaseIDs.joined(separator: ", "))")
            }
        }
    }

    /// Reports each dependency cycle once, named in `needs` order, at the first `needs:` entry that is
    /// part of it (every cycle has one: the implicit "previous phase" edges only point backwards).
    private mutating func checkCycles() -> Bool {
        let phases = draft.playbook.phases
        let cycles = PhaseGraph(draft.playbook).cycles()
        for cycle in cycles {
            let names = (cycle + [cycle[0]]).map { phases[$0].id }
            var anchor: Node = draft.phases[cycle[0]].node
            for (position, index) in cycle.enumerated() {
                let next = phases[cycle[(position + 1) % cycle.count]].id
                if let need = draft.phases[index].needs.first(where: { $0.name == next }) {
                    anchor = need.node
                    break
                }
            }
            let implicit = cycle.contains { phases[$0].needs == nil }
            error(
                "phases depend on each other in a cycle: \(names.joined(separator: " → "))", at: anchor,
                hint: "remove one of these needs (read → as 'needs')"
                    + (implicit ? "; a phase without needs: needs the phase before it" : ""))
        }
        return !cycles.isEmpty
    }

    // MARK: Placeholders

    /// `order` is the execution order by phase index, or `nil` when a cycle makes it meaningless.
    private mutating func checkPlaceholders(order: [Int]?) {
        let playbook = draft.playbook
        let variables = playbook.vars.map(\.name)
        let declared = Set(variables)
        var position: [Int: Int] = [:]
        for (rank, index) in (order ?? []).enumerated() { position[index] = rank }

        for (phaseIndex, (phase, phaseSource)) in zip(playbook.phases, draft.phases).enumerated() {
            for (stepIndex, (step, stepSource)) in zip(phase.steps, phaseSource.steps).enumerated() {
                for (field, node) in stepSource.templates {
                    guard case .scalar(let scalar) = node else { continue }
                    let template = Template(scalar.string)
                    for (text, offset) in template.invalidPlaceholders {
                        let inner = text.dropFirst(2).dropLast(2).trimmingWhitespace()
                        error(
                            "malformed placeholder \(text) in \(field)",
                            at: placeholderLocation(node, offset: offset, raw: text),
                            hint: declared.contains(inner)
                                ? "did you mean {{ vars.\(inner) }}?"
                                : "write {{ vars.NAME }} or {{ steps.PHASE.STEP.KEY }}; for literal braces, "
                                    + "put the text in a variable and use {{ vars.NAME }}")
                    }
                    for segment in template.segments {
                        guard case .placeholder(let reference, let offset) = segment else { continue }
                        // Located only when reported: finding the column costs a search of the line.
                        var location: SourceLocation {
                            placeholderLocation(node, offset: offset, raw: rawText(of: template, at: offset))
                        }
                        switch reference {
                        case .variable(let name) where !declared.contains(name):
                            error(
                                "unknown variable '\(name)' in \(field)", at: location,
                                hint: Suggestion.hint(for: name, among: variables)
                                    ?? "declare it under vars: (for example vars: { \(name): \"...\" })")
                        case .variable:
                            break
                        case .stepOutput(let phaseID, let stepID, _):
                            if let problem = stepReferenceProblem(
                                phaseID: phaseID, stepID: stepID,
                                from: (phaseIndex, stepIndex, step.id), position: position, orderKnown: order != nil)
                            {
                                error("\(problem.message) in \(field)", at: location, hint: problem.hint)
                            }
                        }
                    }
                }
            }
        }
    }

    private func stepReferenceProblem(
        phaseID: String, stepID: String, from here: (phase: Int, step: Int, id: String),
        position: [Int: Int], orderKnown: Bool
    ) -> (message: String, hint: String?)? {
        let phases = draft.playbook.phases
        guard let targetPhase = phaseByID[phaseID] else {
            return ("unknown phase '\(phaseID)'", Suggestion.hint(for: phaseID, among: phaseIDs))
        }
        let stepIDs = phases[targetPhase].steps.map(\.id)
        guard let targetStep = stepIDs.firstIndex(of: stepID) else {
            return (
                "unknown step '\(phaseID)/\(stepID)'",
                Suggestion.hint(for: stepID, among: stepIDs)
                    ?? "steps of phase '\(phaseID)': \(stepIDs.joined(separator: ", "))"
            )
        }
        if targetPhase == here.phase {
            if targetStep == here.step {
                return (
                    "step '\(phaseID)/\(stepID)' refers to its own output",
                    "a step's compensate and verify read its outputs as $BELAY_OUT_<KEY>"
                )
            }
            if phases[targetPhase].parallel {
                return (
                    "step '\(phaseID)/\(stepID)' runs at the same time as this one (phase '\(phaseID)' is parallel)",
                    "move one of the steps to another phase, or make the phase sequential"
                )
            }
            if targetStep > here.step {
                return (
                    "step '\(phaseID)/\(stepID)' runs after this one",
                    "outputs come only from steps that ran before; move '\(stepID)' earlier"
                )
            }
            return nil
        }
        if orderKnown, let there = position[targetPhase], let mine = position[here.phase], there > mine {
            return (
                "step '\(phaseID)/\(stepID)' runs after this one (phase '\(phaseID)' comes later)",
                "outputs come only from steps that ran before; make phase '\(phases[here.phase].id)' need '\(phaseID)'"
            )
        }
        return nil
    }

    // MARK: Locations

    private mutating func error(_ message: String, at node: Node, hint: String?) {
        error(message, at: reader.location(of: node), hint: hint)
    }

    private mutating func error(_ message: String, at location: SourceLocation, hint: String?) {
        diagnostics.append(
            Diagnostic(.error, at: location, message, hint: hint, sourceLine: reader.sourceLine(location.line)))
    }

    private func rawText(of template: Template, at offset: Int) -> String {
        let start = template.text.index(template.text.startIndex, offsetBy: offset)
        guard let close = template.text[start...].firstRange(of: "}}") else { return "{{" }
        return String(template.text[start..<close.upperBound])
    }

    /// Where the placeholder at character `offset` of a scalar's value sits in the file: found on the
    /// line the value puts it on (one-line scalars and `|` blocks), else the start of the value.
    private func placeholderLocation(_ node: Node, offset: Int, raw: String) -> SourceLocation {
        let fallback = reader.location(of: node)
        guard case .scalar(let scalar) = node, let mark = node.mark else { return fallback }
        let value = scalar.string
        let prefix = value.prefix(offset)
        let newlines = prefix.count { $0 == "\n" }
        let line: Int
        var searchFrom = 1
        switch scalar.style {
        case .literal, .folded:
            line = mark.line + 1 + newlines
        default:
            guard newlines == 0 else { return fallback }
            line = mark.line
            searchFrom = mark.column
        }
        // Which occurrence of the same placeholder text on this line of the value is ours.
        let lineStart = prefix.lastIndex(of: "\n").map { prefix.index(after: $0) } ?? prefix.startIndex
        let occurrence = prefix[lineStart...].ranges(of: raw).count
        guard let source = reader.sourceLine(line) else { return fallback }
        let scalars = source.unicodeScalars
        let from = scalars.index(scalars.startIndex, offsetBy: min(searchFrom - 1, scalars.count))
        let hits = source[from...].ranges(of: raw)
        guard occurrence < hits.count else { return fallback }
        let column = scalars.distance(from: scalars.startIndex, to: hits[occurrence].lowerBound) + 1
        return SourceLocation(file: fallback.file, line: line, column: column)
    }
}
