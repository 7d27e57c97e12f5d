import Belay
@testable import BelayPostgres
import Foundation
import Testing
import TestSupport

/// What a failure means: the server's error with its SQLSTATE, or no server at all; and the schema
/// migrated once, refused when newer.
@Suite(.postgres)
struct StoreSessionTests {
    @Test func aServersErrorOrAConstraintCarriesItsSQLStateAndAClosedPortIsUnreachable() throws {
        let fixture = try StoreFixture()
        let session = StoreSession(address: try StoreAddress(fixture.url))
        #expect { try session.query("SELECT * FROM no_such_table") } throws: { error in
            guard case .storeError(_, let message, let sqlState) = (error as? EngineError)?.problem else { return false }
            return sqlState == "42P01" && message.contains("no_such_table")
        }
        // The connection survives a statement's error.
        #expect(try session.query("SELECT 1").count == 1)
        try StoreSchema.migrate(session)
        try session.query("INSERT INTO belay_runs (run_id, lock_name, workspace) VALUES ('r1', 'l', 'w')")
        #expect { try session.query("INSERT INTO belay_runs (run_id, lock_name, workspace) VALUES ('r1', 'l', 'w')") } throws: { error in
            guard case .storeError(_, _, let sqlState) = (error as? EngineError)?.problem else { return false }
            return sqlState == "23505"
        }
        let nowhere = StoreSession(address: try StoreAddress("postgres://postgres@127.0.0.1:\(try PostgresServer.freePort())/x"))
        #expect { try nowhere.query("SELECT 1") } throws: { error in
            guard case .storeUnreachable = (error as? EngineError)?.problem else { return false }
            return true
        }
    }

    @Test func theSchemaIsMigratedOnceAndANewerOneIsRefused() throws {
        let fixture = try StoreFixture()
        let session = StoreSession(address: try StoreAddress(fixture.url))
        try StoreSchema.migrate(session)
        try StoreSchema.migrate(session)
        #expect(try StoreSchema.version(session) == StoreSchema.migrations.count)
        #expect(try fixture.psql("SELECT count(*) FROM belay_schema_migrations") == "\(StoreSchema.migrations.count)")
        try fixture.psql("INSERT INTO belay_schema_migrations (version) VALUES (999)")
        #expect { try StoreSchema.migrate(session) } throws: { error in
            guard case .storeError(_, let message, nil) = (error as? EngineError)?.problem else { return false }
            return message.contains("version 999")
        }
    }
}
