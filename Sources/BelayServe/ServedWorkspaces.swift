import Belay
import Foundation

/// A workspace the server serves, named by its folder (`site`, or `site-2` when two share a name).
struct ServedWorkspace: Sendable {
    let name: String
    let url: URL
    var engine: Engine { get throws(APIError) { try Self.engine(url) } }
    /// The journal alone: what most reads need, without opening the rollback points' repository.
    var journal: LocalRunJournal { LocalRunJournal(workspace: url) }

    static func engine(_ url: URL) throws(APIError) -> Engine {
        do { return try Engine(workspace: url) } catch {
            throw APIError(status: .internalServerError, message: "workspace \(url.path): \(error.description)")
        }
    }
}

/// The workspaces given to `belay serve`, and the lookups every route shares.
struct ServedWorkspaces: Sendable {
    let all: [ServedWorkspace]

    init(_ urls: [URL]) {
        var taken: [String: Int] = [:]
        all = urls.map { url in
            let base = url.lastPathComponent.isEmpty ? "workspace" : url.lastPathComponent
            taken[base, default: 0] += 1
            let count = taken[base]!
            return ServedWorkspace(name: count == 1 ? base : "\(base)-\(count)", url: url)
        }
    }

    /// The workspace `name` names, or the only one when `name` is nil.
    func named(_ name: String?) throws(APIError) -> ServedWorkspace {
        guard let name else {
            if all.count == 1 { return all[0] }
            throw .badRequest("this server has several workspaces: name one with \"workspace\" (one of \(names))")
        }
        guard let found = all.first(where: { $0.name == name }) else {
            throw .notFound("no workspace named '\(name)' here; the workspaces are \(names)")
        }
        return found
    }

    /// The workspace holding run `run` (in `workspace` if given). 404 for a run that is not there.
    func locate(run: String, workspace: String?) throws(APIError) -> ServedWorkspace {
        let candidates: [ServedWorkspace]
        if let workspace { candidates = [try named(workspace)] } else { candidates = all }
        let holding = RunID.isValid(run)
            ? candidates.filter { FileManager.default.fileExists(atPath: RunFolder(workspace: $0.url, runID: run).journal.path) }
            : []
        switch holding.count {
        case 0: throw .notFound("no run '\(run)' in \(workspace.map { "workspace \($0)" } ?? "the served workspaces (\(names))")")
        case 1: return holding[0]
        default:
            throw .conflict("run '\(run)' is in several workspaces (\(holding.map(\.name).joined(separator: ", "))): add ?workspace=NAME")
        }
    }

    var names: String { all.map(\.name).joined(separator: ", ") }
}
