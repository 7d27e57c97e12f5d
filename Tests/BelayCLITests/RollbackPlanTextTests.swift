@testable import Belay
@testable import BelayCLI
import BelayGit
import Foundation
import Testing

/// The `rollback --dry-run` report.
@Suite struct RollbackPlanTextTests {
    static let plan = RollbackPlan(
        runID: "r1", target: "start", targetCommit: "0123456789abcdef", phasesUndone: ["one"],
        compensations: [.init(step: .init(phase: "one", step: "a"), command: "rm -f a.txt\n", note: nil)],
        fileChanges: [FileChange(path: "a.txt", kind: .deleted, linesRemoved: 1)],
        drift: [], nothingToDo: false, nothingToDoReason: nil)

    @Test func theReportListsCompensationsFilesAndTheCommandToRun() {
        let text = RollbackPlanText.render(
            Self.plan, workspace: URL(fileURLWithPath: "/srv/site"), playbookNote: nil, force: false)
        #expect(text == """
            Rollback of run r1 to the start point (commit 0123456789) — dry run: nothing is changed

            Compensations, newest first (1):
              1. one/a  rm -f a.txt

            Then the workspace is restored to start: 1 file change
              deleted  a.txt  +0 -1

            To do it: belay rollback r1 --to start --workspace /srv/site

            """)
    }

    @Test func theJSONSaysItIsADryRun() {
        let json = RollbackPlanText.json(Self.plan, playbookNote: nil).rendered(pretty: false)
        #expect(json.hasPrefix(#"{"run":"r1","target":"start","target_commit":"0123456789abcdef","dry_run":true,"#))
        #expect(json.contains(#""playbook_changed":false"#))
    }
}
