import BelayModel
import Yams

/// A playbook read as far as its shape allows, with the YAML nodes each part came from, so the
/// cross-reference checks can point at the exact key or value.
///
/// Parts that could not be read keep neutral values (an empty id, an empty command) and are skipped
/// by the checks that need them, so one mistake does not hide the others.
struct PlaybookDraft {
    var playbook: Playbook
    /// Parallel to `playbook.phases`.
    var phases: [PhaseSource]
    /// Declared variables with their key nodes.
    var variableNodes: [String: Node]
    /// The `vars:` key, or the playbook mapping when there is none: where problems with overrides point.
    var varsAnchor: Node
    /// Vars declared without a value: a run must get one from an environment, a file or an override.
    var unsetVariables: Set<String> = []
    /// Parallel to `playbook.environments`.
    var environments: [EnvironmentSource] = []
    /// The `environments:` key, or the playbook mapping: where an unknown environment choice points.
    var environmentsAnchor: Node
}

struct EnvironmentSource {
    var nameNode: Node
    /// The environment's vars with their key nodes.
    var variableNodes: [String: Node]
}

struct PhaseSource {
    var node: Node
    var idNode: Node?
    var needs: [(name: String, node: Node)]
    /// Parallel to the phase's `steps`.
    var steps: [StepSource]
}

struct StepSource {
    var node: Node
    var idNode: Node?
    /// Text fields that may hold `{{ }}` placeholders: `run`, `compensate`, `verify`, approval `message`.
    var templates: [(field: String, node: Node)]
}
