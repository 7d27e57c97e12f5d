import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// An error the store's server sends is reported as that error, with its SQLSTATE; only a server
/// that cannot be reached is "unreachable".
extension SharedStoreTests {
    /// A database migrated by Belay, and a role that may log in to it and do nothing else.
    func storeWithBareRole() throws -> (PostgresServer, String, String) {
        let (server, database, url) = try storeURL(lease: "30s")
        let scratch = try RunFixture(playbook: sharedPlaybook(lock: "x", phase("one", steps: tracedStep("a"))))
        let migrated = try scratch.belay(["lock", "status", "--store", url])
        #expect(migrated.status == 0, "\(migrated.output)")
        let role = "bare_" + database.suffix(8)
        try server.psql("CREATE ROLE \(role) LOGIN", database: database)
        return (server, database, "postgresql://\(role)@\(server.host):\(server.port)/\(database)?lease=30s")
    }

    @Test func aRoleWithoutPrivilegesIsAStoreErrorWithItsSQLStateNotUnreachable() throws {
        let (_, _, url) = try storeWithBareRole()
        let fixture = try RunFixture(playbook: sharedPlaybook(lock: "bare", phase("one", steps: tracedStep("a"))))
        let result = try fixture.run(["--store", url])
        #expect(result.status == 2, "\(result.output)")
        #expect(result.stderr.contains("permission denied") && result.stderr.contains("SQLSTATE 42501"), "\(result.stderr)")
        #expect(result.stderr.contains("grant") && result.stderr.contains("nothing was started"), "\(result.stderr)")
        #expect(!result.stderr.contains("cannot be reached"), "\(result.stderr)")
        #expect(fixture.traced.isEmpty)
    }

    @Test func aSchemaNewerThanThisBelayIsRefusedByName() throws {
        let (server, database, url) = try storeURL()
        let fixture = try RunFixture(playbook: sharedPlaybook(lock: "newer", phase("one", steps: tracedStep("a"))))
        #expect(try fixture.belay(["lock", "status", "--store", url]).status == 0)
        try server.psql("INSERT INTO belay_schema_migrations (version) VALUES (999)", database: database)
        let result = try fixture.run(["--store", url])
        #expect(result.status == 2, "\(result.output)")
        #expect(result.stderr.contains("schema is at version 999"), "\(result.stderr)")
        #expect(!result.stderr.contains("cannot be reached"), "\(result.stderr)")
        #expect(fixture.traced.isEmpty)
        let runs = try fixture.belay(["runs", "--store", url, "--workspace", fixture.workspace.path])
        #expect(runs.status == 2 && runs.stderr.contains("version 999"), "\(runs.output)")
    }

    @Test func aPrivilegeRevokedMidRunStopsTheRunWithTheServersMessage() throws {
        let (server, database, url) = try storeWithBareRole()
        let role = String(url.split(separator: "/")[1].split(separator: "@")[0])
        try server.psql("""
            GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO \(role);
            GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO \(role);
            """, database: database)
        let text = sharedPlaybook(
            lock: "revoked",
            phase("one", steps: tracedStep("slow", run: #"touch "$TRACE.started"; while [ ! -f "$TRACE.go" ]; do sleep 0.1; done"#)),
            phase("two", steps: tracedStep("after")))
        let fixture = try RunFixture(playbook: text)
        let (process, out) = try start(fixture, ["run", fixture.playbook.path, "--run-id", "revoked", "--store", url])
        defer { FileManager.default.createFile(atPath: fixture.trace.path + ".go", contents: nil) }
        #expect(waitFor(fixture.trace.path + ".started"), "\(said(out))")
        try server.psql("REVOKE INSERT ON belay_events FROM \(role)", database: database)
        FileManager.default.createFile(atPath: fixture.trace.path + ".go", contents: nil)
        process.waitUntilExit()
        #expect(process.terminationStatus == 75, "\(said(out))")
        #expect(said(out).contains("permission denied for table belay_events (SQLSTATE 42501)"), "\(said(out))")
        #expect(!said(out).contains("cannot be reached"), "\(said(out))")
        #expect(!fixture.traced.contains("after:run"))
    }
}
