import Belay
import BelaySupport
import Foundation

/// The words `belay` prints for an engine error: the engine's plain description, plus what to do
/// next in this CLI's terms (which flag, which command). The engine itself never names a flag.
enum EngineErrorText {
    /// The words for any error a command met; engine errors get their advice.
    static func text(for error: any Error) -> String {
        guard let error = error as? EngineError else { return "\(error)" }
        return text(for: error)
    }

    static func text(for error: EngineError) -> String {
        switch error.problem {
        case .locked(let holder?, _):
            "\(error); wait for it to finish, or check `belay status \(holder.run)`"
        case .locked(nil, _):
            "\(error); if no run is active, remove it"
        case .lockContended:
            "\(error); try again"
        case .journalDamaged(let path, let line, _):
            "\(error).\nNothing was run. Line \(line) records one event of the run, and no other line can stand in "
                + "for it: restore \(path) from a backup, or repair line \(line) by hand from the run's logs "
                + "(docs/engine.md#the-journal gives the format; on a repaired line drop the \"crc\" field). "
                + "Until then `status`, `resume` and `rollback` refuse this run."
        case .runExists:
            "\(error); pick another --run-id"
        case .unknownRun(let runID, let workspace):
            "\(error)" + (knownRuns(workspace).flatMap { Suggestion.hint(for: runID, among: $0) }.map { "; \($0)" } ?? "")
                + " (see `belay runs`)"
        case .runEnded(let runID, let status):
            "\(error)" + (status == .failed ? "; to undo it, use `belay rollback \(runID) --to start`" : "")
        case .drift:
            "\(error). Check them (keep or revert), then use --force to go on: Belay first keeps the workspace "
                + "as it is in a commit of the run's history and prints how to bring a file back."
        case .captureDrift:
            "\(error). Check the change (keep or undo it), then use --force to go on: Belay first journals "
                + "what it found."
        case .playbookChanged(_, let playbook, let snapshot):
            "\(error). Compare them (diff \(playbook) \(snapshot)), then use --force to go on with the snapshot."
        case .phaseSelection(let problem):
            phaseSelectionText(problem)
        case .unknownStep(_, let step, let owed):
            "\(error)" + (Suggestion.closest(to: step.description, among: owed.map(\.description)).map { "; did you mean --step \($0)?" } ?? "")
        case .resolve(.emptyNote):
            "--note must say what was done by hand (it is kept in the journal)"
        case .storeUnreachable:
            "\(error); check the URL (--store, BELAY_STORE or `store:`) and that the server is up"
        case .storeError(_, _, let sqlState):
            "\(error); the server is up and said no: " + storeAdvice(sqlState)
        case .fenced:
            "\(error); see `belay lock status`"
        case .approvalAlreadyDecided(let runID, _, _, _):
            "\(error); continue with `belay resume \(runID)`"
        case .missingSecrets(_, let names):
            "\(error), or pass " + names.map { "--var \($0)=…" }.joined(separator: " ")
        case .orphanRunning(let runID, _, _, let operation):
            "\(error). Run `belay \(operation.rawValue) \(runID)` again once it has ended"
                + (operation == .rollback ? " (with the same --to)" : "") + ", or add --kill-orphans to terminate it"
        default:
            error.description
        }
    }

    /// What to do about an error the store's server sent, by its SQLSTATE class.
    static func storeAdvice(_ sqlState: String?) -> String {
        switch sqlState?.prefix(2) {
        case "42" where sqlState == "42501":
            "grant the URL's role the privileges docs/store.md lists on Belay's tables, then try again"
        case "28":
            "check the user and password in the URL"
        case "3D":
            "create the database the URL names, or fix its name"
        case nil:
            "see docs/store.md"
        default:
            "fix what it says on the server, then try again"
        }
    }

    /// The flag each phase setting comes from.
    static func flag(_ field: PhaseSelection.Field) -> String {
        switch field {
        case .only: "--only-phase"
        case .skip: "--skip-phases"
        case .startAt: "--resume-from"
        case .stopAfter: "--stop-after-phase"
        }
    }

    private static func phaseSelectionText(_ problem: PhaseSelection.Problem) -> String {
        switch problem {
        case .unknownPhase(let field, _, _, _):
            "\(flag(field)): \(problem)"
        case .onlyWithOthers(let only):
            "--only-phase \(only) cannot be combined with --skip-phases or --resume-from"
        case .stopBeforeStart(let stopAfter, let startAt):
            "--stop-after-phase \(stopAfter) comes before --resume-from \(startAt)"
        }
    }

    /// The runs of a workspace, for "did you mean" on a mistyped run id.
    private static func knownRuns(_ workspace: String) -> [String]? {
        (try? Engine(workspace: URL(fileURLWithPath: workspace)))?.runIDs()
    }
}
