import BelayModel
import BelaySupport
import Yams

/// Reads a playbook's YAML into a `PlaybookDraft`, checking the shape of every part (keys, types,
/// durations, ranges, the one-action rule). Cross-references between parts are `PlaybookChecks`' job.
struct PlaybookParser {
    let reader: YAMLReader

    func parse() -> PlaybookDraft? {
        guard let root = reader.root() else { return nil }
        guard
            let fields = fields(root, "the playbook", allowed: PlaybookSchema.playbook, required: ["name", "phases"])
        else { return nil }

        var playbook = Playbook(name: "", phases: [])
        if let node = fields["name"], let name = nonEmptyString(node, "name") { playbook.name = name }
        if let node = fields["description"] { playbook.description = reader.string(node, "description") }
        if let node = fields["workspace"] {
            playbook.workspace = nonEmptyString(node, "workspace")
            if let path = playbook.workspace, path.hasPrefix("/"), let refusal = WorkspaceFolder.refusal(for: path) {
                reader.error(
                    "workspace \(path) is \(refusal.rawValue); a rollback there would restore files that are not the deploy's",
                    at: node, hint: "point workspace at a folder of its own, for example /srv/site")
            }
        }
        if let node = fields["store"] { playbook.store = nonEmptyString(node, "store") }
        if let node = fields["lock"] { playbook.lock = nonEmptyString(node, "lock") }

        var variableNodes: [String: Node] = [:]
        var unsetVariables: Set<String> = []
        if let node = fields["vars"] {
            // The first variable of each environment name, to find clashes without comparing pairs.
            var byEnvironmentName: [String: String] = [:]
            for entry in variableEntries(node, "vars") {
                let environmentName = Identifier.environmentName(ofVariable: entry.key)
                if !Identifier.isVariableName(entry.key) {
                    reader.error(
                        "variable name '\(entry.key)' is not valid", at: entry.node,
                        hint: "use letters, digits, '_' and '-', starting with a letter or '_'")
                } else if let clash = byEnvironmentName[environmentName], clash != entry.key {
                    reader.error(
                        "variables '\(clash)' and '\(entry.key)' would both be \(environmentName)",
                        at: entry.node, hint: "rename one of them")
                }
                if Identifier.isVariableName(entry.key), byEnvironmentName[environmentName] == nil {
                    byEnvironmentName[environmentName] = entry.key
                }
                variableNodes[entry.key] = entry.node
                playbook.vars.append(Variable(entry.key, entry.value ?? "", secret: entry.secret, hasValue: entry.value != nil))
                // A secret with no default is given when running, never written down: not "unset".
                if entry.value == nil, !entry.secret { unsetVariables.insert(entry.key) }
                if entry.show { playbook.shownVars.append(entry.key) }
            }
        }
        if let node = fields["secrets"] {
            for (name, item) in reader.stringList(node, "secrets") ?? [] {
                checkEnvironmentName(name, at: item, what: "secret")
                let variable = playbook.vars.first {
                    name == $0.name || name == Identifier.environmentName(ofVariable: $0.name)
                }
                if let variable {
                    reader.error(
                        "secrets: lists the variable '\(variable.name)'; secrets: names environment variables only",
                        at: item,
                        hint: "declare the variable secret instead: vars: { \(variable.name): { secret: true } } "
                            + "(or { value: ..., secret: true } with a default)")
                }
                playbook.secrets.append(name)
            }
        }
        if let node = fields["env"] {
            playbook.env = envEntries(node, "env")
            for entry in mapping(node, "env") {
                checkEnvironmentTemplate(entry.value, of: entry.key, at: entry.node, variables: playbook.vars.map(\.name))
            }
        }
        var environmentSources: [EnvironmentSource] = []
        if let node = fields["environments"] {
            for (environment, source) in environments(node) {
                playbook.environments.append(environment)
                environmentSources.append(source)
            }
        }
        if let node = fields["defaults"] { playbook.defaults = defaults(node) }
        if let node = fields["notify"] {
            for (target, item) in reader.stringList(node, "notify") ?? [] where NotifyTarget.check(target, at: item, reader: reader) {
                playbook.notify.append(target)
            }
        }
        if let node = fields["capture"] { playbook.captures = captures(node) }

        var phaseSources: [PhaseSource] = []
        if let node = fields["phases"], let items = reader.sequence(node, "phases") {
            if items.isEmpty {
                reader.error("phases is empty", at: node, hint: "a playbook needs at least one phase")
            }
            for item in items {
                guard let (phase, source) = phase(item, defaults: playbook.defaults) else { continue }
                playbook.phases.append(phase)
                phaseSources.append(source)
            }
        }
        return PlaybookDraft(
            playbook: playbook, phases: phaseSources, variableNodes: variableNodes,
            varsAnchor: fields.keyNode("vars") ?? root, unsetVariables: unsetVariables,
            environments: environmentSources, environmentsAnchor: fields.keyNode("environments") ?? root)
    }

    // MARK: Parts

    /// `secrets:` names, of the playbook or of an environment.
    func secrets(_ node: Node) -> [String] {
        var names: [String] = []
        for (name, item) in reader.stringList(node, "secrets") ?? [] {
            checkEnvironmentName(name, at: item, what: "secret")
            names.append(name)
        }
        return names
    }

    /// `env:` entries, of the playbook or of an environment.
    func envEntries(_ node: Node, _ what: String) -> [Variable] {
        var entries: [Variable] = []
        for entry in mapping(node, what) {
            checkEnvironmentName(entry.key, at: entry.node, what: "env")
            if entry.key.hasPrefix("BELAY_") {
                reader.warning(
                    "env '\(entry.key)' uses the BELAY_ prefix, which Belay sets itself", at: entry.node,
                    hint: "Belay's own value wins; choose another name")
            }
            entries.append(Variable(entry.key, entry.value))
        }
        return entries
    }

    private func defaults(_ node: Node) -> Defaults {
        var result = Defaults()
        guard let fields = reader.mapping(node, "defaults", allowed: PlaybookSchema.defaults) else { return result }
        if let node = fields["timeout"] { result.timeout = positiveDuration(node, "defaults.timeout") }
        if let node = fields["retry"] { result.retry = retry(node, "defaults.retry", base: result.retry) }
        if let node = fields["shell"], let shell = nonEmptyString(node, "defaults.shell") { result.shell = shell }
        return result
    }

    /// A retry block; keys it leaves out keep the value from `base` (the playbook's defaults).
    private func retry(_ node: Node, _ what: String, base: RetryPolicy) -> RetryPolicy {
        var policy = base
        guard let fields = reader.mapping(node, what, allowed: PlaybookSchema.retry) else { return policy }
        if let node = fields["attempts"], let value = reader.int(node, "\(what).attempts", minimum: 1) {
            policy.attempts = value
        }
        if let node = fields["delay"], let value = reader.duration(node, "\(what).delay") { policy.delay = value }
        if let node = fields["backoff"], let value = reader.double(node, "\(what).backoff") {
            if value < 1 {
                reader.error(
                    "\(what).backoff must be at least 1, found \(node.string ?? "")", at: node,
                    hint: "1 keeps the delay constant; 2 doubles it after each failed try")
            } else {
                policy.backoff = value
            }
        }
        if let node = fields["max_delay"], let value = reader.duration(node, "\(what).max_delay") {
            policy.maxDelay = value
        }
        return policy
    }

    private func phase(_ node: Node, defaults: Defaults) -> (PlaybookPhase, PhaseSource)? {
        let label = peekID(node).map { "phase '\($0)'" } ?? "a phase"
        guard
            let fields = self.fields(node, label, allowed: PlaybookSchema.phase, required: ["id", "steps"])
        else { return nil }
        var phase = PlaybookPhase(id: "", steps: [])
        var source = PhaseSource(node: node, idNode: nil, needs: [], steps: [])
        if let idNode = fields["id"], let id = reader.string(idNode, "a phase id") {
            // An invalid id is still kept, so references to it are not reported a second time.
            checkID(id, at: idNode, what: "phase id")
            if Identifier.reservedPhaseIDs.contains(id) {
                reader.error(
                    "phase id '\(id)' is reserved", at: idNode,
                    hint: "'\(id)' names the rollback point before the first phase; choose another id")
            }
            phase.id = id
            source.idNode = idNode
        }
        if let node = fields["name"] { phase.name = reader.string(node, "\(label) name") }
        if let node = fields["needs"] {
            if reader.isNull(node) {
                reader.error(
                    "needs of \(label) is empty", at: node,
                    hint: "write needs: [] for a phase that needs nothing, or name the phases it needs")
            } else if let items = reader.stringList(node, "needs of \(label)") {
                phase.needs = items.map(\.0)
                source.needs = items.map { (name: $0.0, node: $0.1) }
            }
        }
        if let node = fields["parallel"], let value = reader.bool(node, "parallel") { phase.parallel = value }
        if let node = fields["max_parallel"] {
            phase.maxParallel = reader.int(node, "max_parallel", minimum: 1)
            if phase.maxParallel != nil, !phase.parallel, let key = fields.keyNode("max_parallel") {
                reader.warning(
                    "max_parallel has no effect because \(label) is not parallel", at: key,
                    hint: "add parallel: true, or remove max_parallel")
            }
        }
        if let node = fields["steps"], let items = reader.sequence(node, "steps of \(label)") {
            if items.isEmpty { reader.error("\(label) has no steps", at: node, hint: "add at least one step") }
            for item in items {
                guard let (step, stepSource) = step(item, defaults: defaults) else { continue }
                phase.steps.append(step)
                source.steps.append(stepSource)
            }
        }
        return (phase, source)
    }

    private func step(_ node: Node, defaults: Defaults) -> (PlaybookStep, StepSource)? {
        let label = peekID(node).map { "step '\($0)'" } ?? "a step"
        guard let fields = self.fields(node, label, allowed: PlaybookSchema.step, required: ["id"]) else {
            return nil
        }
        var source = StepSource(node: node, idNode: nil, templates: [])
        var id = ""
        if let idNode = fields["id"], let value = reader.string(idNode, "a step id") {
            checkID(value, at: idNode, what: "step id")
            id = value
            source.idNode = idNode
        }
        var step = PlaybookStep(id: id, action: .run(""))
        if let node = fields["name"] { step.name = reader.string(node, "\(label) name") }

        // Exactly one action.
        let actions = fields.entries.filter { PlaybookSchema.actions.contains($0.key) }
        if actions.isEmpty {
            reader.error(
                "\(label) has no action", at: node,
                hint: "give it exactly one of run: (a command), gate: (a policy) or approval: (a question)")
        }
        for extra in actions.dropFirst() {
            reader.error(
                "\(label) has both \(actions[0].key) and \(extra.key)", at: extra.keyNode,
                hint: "a step does exactly one thing; split it into two steps")
        }
        let kind = actions.first?.key ?? "run"
        switch (kind, actions.first?.value) {
        case ("gate", let node?):
            step.action = .gate(gate(node, label))
        case ("approval", let node?):
            let (approval, messageNode) = approval(node, label)
            step.action = .approval(approval)
            if let messageNode { source.templates.append(("approval.message", messageNode)) }
        case (_, let node?):
            if let command = nonEmptyString(node, "run") {
                step.action = .run(command)
                source.templates.append(("run", node))
            }
        case (_, nil):
            break
        }

        if let node = fields["compensate"], let command = nonEmptyString(node, "compensate") {
            step.compensate = command
            source.templates.append(("compensate", node))
        }
        if let node = fields["verify"], let command = nonEmptyString(node, "verify") {
            step.verify = command
            source.templates.append(("verify", node))
        }
        if let node = fields["cancel"], let command = nonEmptyString(node, "cancel") {
            step.cancel = command
            source.templates.append(("cancel", node))
        }
        if let node = fields["timeout"] { step.timeout = positiveDuration(node, "timeout") }
        if let node = fields["retry"] { step.retry = retry(node, "retry", base: defaults.retry) }
        if let node = fields["critical"], let value = reader.bool(node, "critical") { step.critical = value }
        if let node = fields["idempotent"], let value = reader.bool(node, "idempotent") { step.idempotent = value }
        if let node = fields["irreversible"], let value = reader.bool(node, "irreversible") {
            step.irreversible = value
        }
        if let node = fields["checkpoint"], let value = reader.string(node, "checkpoint") {
            if value == "before" {
                step.checkpointBefore = true
            } else {
                reader.error(
                    "checkpoint must be before, found '\(value)'", at: node,
                    hint: "checkpoint: before records a rollback point <phase>/<step> just before the step runs")
            }
        }

        checkCompensation(step, kind: actions.isEmpty ? nil : kind, fields: fields, label: label)
        return (step, source)
    }

    /// The saga rules about undoing: a command needs a compensation (or says it has none on purpose);
    /// gates and approvals change nothing, so undo-related keys make no sense on them.
    private func checkCompensation(_ step: PlaybookStep, kind: String?, fields: Fields, label: String) {
        switch kind {
        case "run":
            if !fields.has("compensate"), !step.irreversible,
                !misspeltKeys(fields.node, allowed: PlaybookSchema.step).contains("compensate"),
                let key = fields.keyNode("run")
            {
                reader.error(
                    "\(label) runs a command but has no compensate", at: key,
                    hint: "add compensate: <a command that undoes it>, or irreversible: true if it cannot be undone")
            }
            if fields.has("compensate"), step.irreversible, let key = fields.keyNode("irreversible") {
                reader.error(
                    "\(label) has a compensate but says irreversible: true", at: key,
                    hint: "remove irreversible: true, or remove compensate if the step truly cannot be undone")
            }
        case let kind?:
            let what = kind == "gate" ? "a gate" : "an approval"
            for key in ["compensate", "verify", "cancel", "irreversible"] {
                guard let keyNode = fields.keyNode(key) else { continue }
                reader.error(
                    "\(key) does not apply to \(what) step", at: keyNode,
                    hint: "\(what) changes nothing, so there is nothing to undo or check; put commands in a run step")
            }
            if kind == "approval" {
                for key in ["timeout", "retry"] {
                    guard let keyNode = fields.keyNode(key) else { continue }
                    reader.error(
                        "\(key) does not apply to an approval step", at: keyNode,
                        hint: key == "timeout"
                            ? "set the wait inside the approval: approval: { message: ..., timeout: 1h }"
                            : "an approval is asked once; remove retry")
                }
            }
        case nil:
            break
        }
    }

    private func gate(_ node: Node, _ label: String) -> GateAction {
        var gate = GateAction(policy: "")
        guard
            let fields = self.fields(node, "the gate of \(label)", allowed: PlaybookSchema.gate, required: ["policy"])
        else { return gate }
        if let node = fields["policy"], let policy = nonEmptyString(node, "gate.policy") { gate.policy = policy }
        if let node = fields["on_conditional"], let value = choice(node, "gate.on_conditional", GateAction.OnConditional.self) {
            gate.onConditional = value
        }
        return gate
    }

    private func approval(_ node: Node, _ label: String) -> (ApprovalAction, Node?) {
        var approval = ApprovalAction(message: "")
        guard
            let fields = self.fields(
                node, "the approval of \(label)", allowed: PlaybookSchema.approval, required: ["message"])
        else { return (approval, nil) }
        var messageNode: Node?
        if let node = fields["message"], let message = nonEmptyString(node, "approval.message") {
            approval.message = message
            messageNode = node
        }
        if let node = fields["timeout"] { approval.timeout = positiveDuration(node, "approval.timeout") }
        if let node = fields["on_timeout"], let value = choice(node, "approval.on_timeout", ApprovalAction.OnTimeout.self) {
            approval.onTimeout = value
        }
        return (approval, messageNode)
    }

    /// `reader.mapping` with the required-key check done here: a missing key is not reported when an
    /// unknown key is its likely misspelling (`step:` for `steps:`), which is already reported with
    /// "did you mean".
    func fields(_ node: Node, _ what: String, allowed: [String], required: [String]) -> Fields? {
        guard let fields = reader.mapping(node, what, allowed: allowed) else { return nil }
        let misspelt = misspeltKeys(node, allowed: allowed)
        for key in required where !fields.has(key) && !misspelt.contains(key) {
            reader.error("\(what) is missing the required key '\(key)'", at: node)
        }
        return fields
    }

    /// The allowed keys that some unknown key of this mapping is a near miss of.
    private func misspeltKeys(_ node: Node, allowed: [String]) -> Set<String> {
        guard case .mapping(let mapping) = node else { return [] }
        var result = Set<String>()
        for key in mapping.keys {
            guard let name = key.string, !allowed.contains(name) else { continue }
            if let match = Suggestion.closest(to: name, among: allowed) { result.insert(match) }
        }
        return result
    }
}
