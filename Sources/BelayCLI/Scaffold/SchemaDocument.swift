import ArgumentParser
import BelayGate
import BelayPlaybook

/// The formats `belay schema` describes.
enum SchemaDocument: String, CaseIterable, ExpressibleByArgument {
    case playbook, policy

    var text: String {
        switch self {
        case .playbook: PlaybookJSONSchema.text
        case .policy: PolicyJSONSchema.text
        }
    }
}
