import Foundation
import Testing

/// `make demo`: the guided tour runs to the end and tells each part of the story.
@Suite struct DemoTests {
    @Test func theGuidedTourRunsToTheEnd() throws {
        let scratch = try ScratchCopy()   // TMPDIR: the tour's workspaces land here and are removed with it
        let result = try Tool.run(
            URL(fileURLWithPath: "/bin/bash"), [Tool.repositoryRoot.appendingPathComponent("playbooks/demo.sh").path],
            in: scratch.root, environment: ["BELAY": belayBinary.path, "TMPDIR": scratch.root.path])
        #expect(result.status == 0, "\(result.output)")
        let out = result.stdout
        // 1 and 2: a release, then a failed one undone by compensation.
        #expect(out.contains("✓ Run demo-release-1.1.0 completed"))
        #expect(out.contains("✗ Run demo-release-1.2.0 failed at release/switch"))
        #expect(out.contains("(belay exited with 1)"))
        #expect(out.contains("live site: current -> releases/1.1.0   releases: 1.1.0 "))
        // 3: the migration, then the manual rollback to an earlier boundary.
        #expect(out.contains("✓ Run demo-migration completed"))
        #expect(out.contains("app.db: schema version 4, tables: customers orders order_events"))
        #expect(out.contains("⟲ Run demo-migration rolled back to orders-index"))
        #expect(out.contains("app.db: schema version 2, tables: customers orders, columns of customers: id name email status\n"))
        // 4: the gate lets the green release through and blocks the broken one.
        #expect(out.contains("✓ Rehearsal passed"))
        #expect(out.contains("gate PROCEED"))
        #expect(out.contains("✓  PROCEED"))
        #expect(out.contains("gate BLOCK — release: key criterion 'tests-pass' failed"))
        #expect(out.contains("published: shop-2.4.0.tar.gz )"))
        #expect(Tool.processes(inside: scratch.root).isEmpty)
    }
}
