import Foundation
import Testing

/// `belay serve`'s JSON API driven over loopback as a script would: start a run, follow its events,
/// approve it, roll it back; and what it refuses (401, 404, 400, 409).
@Suite struct ServeAPITests {
    @Test func aRunIsStartedFollowedApprovedAndRolledBackOverHTTP() throws {
        let fixture = try RunFixture(playbook: approvalPlaybook())
        let server = try ServeFixture(fixture)

        let started = try server.post("/api/runs", #"{"playbook": "playbook.yml", "run_id": "r1", "vars": {"version": "2.0.1"}}"#)
        #expect(started.status == 202, "\(started.body)")
        #expect(started.object["run"] as? String == "r1")
        let stream = try server.follow("/api/runs/r1/events/stream")
        #expect(eventually(60) { server.status() == "waiting_approval" }, "\(server.output)")
        let state = try server.get("/api/runs/r1").object
        #expect(state["playbook"] as? String == "test")
        #expect((state["approval"] as? [String: Any])?["message"] as? String == "Promote 2.0.1?")
        #expect((state["phases"] as? [[String: Any]])?.map { $0["id"] as? String } == ["build", "release"])
        #expect(fixture.traced == ["a:run"])

        let approved = try server.post("/api/runs/r1/approve", #"{"by": "ana", "comment": "canary is green"}"#)
        #expect(approved.status == 200, "\(approved.body)")
        #expect(approved.object["decision"] as? String == "approved")
        #expect(eventually(60) { server.status() == "completed" }, "\(server.output)")
        #expect(fixture.traced == ["a:run", "b:run"])
        let recorded = try #require(try fixture.event("approval_recorded", step: "go-live"))
        #expect(recorded["by"] as? String == "ana")
        #expect(recorded["comment"] as? String == "canary is green")

        // The stream carried every journaled event once, in order, live, then said it ended.
        #expect(eventually(30) { ((try? String(contentsOf: stream, encoding: .utf8)) ?? "").contains("event: end") })
        let streamed = streamedEvents(stream)
        let journal = try fixture.journal()
        #expect(streamed.map { $0["seq"] as? Int } == journal.map { $0["seq"] as? Int })
        #expect(streamed.compactMap { $0["event"] as? String }.contains("run_waiting"))
        #expect(streamed.last?["event"] as? String == "run_completed")

        let points = try #require(try server.get("/api/runs/r1/points").json as? [[String: Any]])
        #expect(points.map { $0["name"] as? String } == ["start", "build", "release"])
        let diff = try server.get("/api/runs/r1/points/build/diff")
        #expect((diff.object["files"] as? [[String: Any]])?.contains { $0["path"] as? String == "a.out" } == true, "\(diff.body)")
        let decisions = try server.get("/api/runs/r1/decisions").object
        #expect(((decisions["approvals"] as? [[String: Any]])?.first)?["by"] as? String == "ana")
        #expect(try server.get("/api/runs/r1/steps/build/a/log").status == 200)

        let dry = try server.post("/api/runs/r1/rollback", #"{"to": "build", "dry_run": true}"#)
        #expect(dry.status == 200, "\(dry.body)")
        #expect((dry.object["text"] as? String)?.contains("b") == true, "\(dry.body)")
        #expect(dry.object["plan"] is [String: Any])
        #expect(fixture.traced == ["a:run", "b:run"])
        let rolled = try server.post("/api/runs/r1/rollback", #"{"to": "build"}"#)
        #expect(rolled.status == 202, "\(rolled.body)")
        #expect(eventually(60) { server.status() == "rolled_back" }, "\(server.output)")
        #expect(fixture.traced == ["a:run", "b:run", "b:compensate"])
        #expect(try fixture.events().last == "run_rolled_back")

        let runs = try #require(try server.get("/api/runs").json as? [[String: Any]])
        #expect(runs.map { $0["run"] as? String } == ["r1"])
        #expect(runs.first?["status"] as? String == "rolled_back")
    }

    @Test func whatTheAPIRefusesItSaysClearly() throws {
        let fixture = try RunFixture(playbook: approvalPlaybook())
        #expect(try fixture.run().status == 75)
        let server = try ServeFixture(fixture)

        // 401: no token, a wrong one; nothing is recorded.
        let none = try server.request("POST", "/api/runs/r1/approve", body: #"{"by": "ana"}"#)
        #expect(none.status == 401)
        #expect(none.error.contains("Authorization: Bearer"))
        #expect(try server.request("POST", "/api/runs/r1/approve", body: #"{"by": "ana"}"#, token: server.token + "x").status == 401)
        #expect(try server.request("POST", "/api/runs", body: "{}", token: "").status == 401)
        #expect(try fixture.event("approval_recorded", step: "go-live") == nil)

        // 404: an unknown run, for reads and actions alike.
        let unknown = try server.get("/api/runs/nope")
        #expect(unknown.status == 404)
        #expect(unknown.error.contains("no run 'nope'"))
        #expect(try server.post("/api/runs/nope/approve", #"{"by": "ana"}"#).status == 404)
        #expect(try server.get("/api/runs/r1/steps/build/zzz/log").status == 404)
        #expect(try server.get("/api/runs/r1/points/nope/diff").status == 404)

        // 400: bodies that are not what the route takes, each said plainly.
        let notJSON = try server.post("/api/runs/r1/approve", "by=ana")
        #expect(notJSON.status == 400)
        #expect(notJSON.error.contains("not JSON"))
        let noName = try server.post("/api/runs/r1/approve", "{}")
        #expect(noName.status == 400)
        #expect(noName.error.contains("\"by\" is required"))
        let typo = try server.post("/api/runs/r1/approve", #"{"by": "ana", "coment": "x"}"#)
        #expect(typo.status == 400)
        #expect(typo.error.contains("unknown field(s) \"coment\""))
        let wrongType = try server.post("/api/runs/r1/approve", #"{"by": "ana", "reject": "yes"}"#)
        #expect(wrongType.status == 400)
        #expect(wrongType.error.contains("\"reject\" must be true or false"))
        let outside = try server.post("/api/runs", #"{"playbook": "../../etc/passwd"}"#)
        #expect(outside.status == 400)
        #expect(outside.error.contains("inside workspace"))
        let badID = try server.post("/api/runs", #"{"playbook": "playbook.yml", "run_id": "../x"}"#)
        #expect(badID.status == 400)
        let invalid = fixture.workspace.appendingPathComponent("broken.yml")
        try "name: x\nphases:\n  - id: a\n    steps:\n      - id: s\n        rn: true\n".write(to: invalid, atomically: true, encoding: .utf8)
        let refused = try server.post("/api/runs", #"{"playbook": "broken.yml"}"#)
        #expect(refused.status == 400, "\(refused.body)")
        #expect(refused.error.contains("broken.yml:6"), "\(refused.body)")
        let validated = try server.post("/api/playbooks/validate", #"{"playbook": "broken.yml"}"#)
        #expect(validated.status == 200)
        #expect(validated.object["valid"] as? Bool == false)

        // 409: the run is not in a state for it.
        #expect(try server.post("/api/runs/r1/approve", #"{"by": "ana", "resume": false}"#).status == 200)
        let again = try server.post("/api/runs/r1/approve", #"{"by": "bob"}"#)
        #expect(again.status == 409, "\(again.body)")
        #expect(again.error.contains("already"), "\(again.body)")
        let taken = try server.post("/api/runs", #"{"playbook": "playbook.yml", "run_id": "r1"}"#)
        #expect(taken.status == 409)
        #expect(try fixture.event("approval_recorded", step: "go-live")?["by"] as? String == "ana")
    }

    /// The OpenAPI document and the router list the same routes, and each route answers.
    @Test func theOpenAPIDocumentListsEveryRouteAndEachAnswers() throws {
        let fixture = try RunFixture(playbook: approvalPlaybook())
        #expect(try fixture.run().status == 75)
        let server = try ServeFixture(fixture)
        let document = try server.get("/openapi.json").object
        #expect(document["openapi"] as? String == "3.0.3")
        let paths = try #require(document["paths"] as? [String: [String: Any]])
        let documented = Set(paths.flatMap { path, operations in operations.keys.map { "\($0.uppercased()) \(path)" } })
        let listed = try Tool.run(Tool.built("belay-serve"), ["--routes", "--workspace", fixture.workspace.path], in: fixture.root)
        #expect(listed.status == 0, "\(listed.output)")
        let routed = Set(listed.stdout.split(separator: "\n").map(String.init))
        #expect(routed.count >= 20)
        #expect(documented.subtracting(routed).isEmpty, "documented, not routed: \(documented.subtracting(routed).sorted())")
        #expect(routed.subtracting(documented).isEmpty, "routed, not documented: \(routed.subtracting(documented).sorted())")

        for route in documented.sorted() {
            let parts = route.split(separator: " ")
            let path = parts[1].replacingOccurrences(of: "{run}", with: "r1").replacingOccurrences(of: "{phase}", with: "build")
                .replacingOccurrences(of: "{step}", with: "a")
            if parts[0] == "GET" {
                // The stream answers at once, then stays open while the run waits.
                let answer = try server.request("GET", path, maxTime: path.hasSuffix("/stream") ? 3 : 60).status
                #expect(answer == 200, "\(route): \(answer)")
            } else {
                // Every mutating route exists and wants the token before anything else.
                #expect(try server.request("POST", path, body: "{}").status == 401, "\(route)")
            }
        }
    }

    @Test func theServerListensOnLoopbackUnlessToldAndMakesATokenWhenGivenNone() throws {
        let fixture = try RunFixture(playbook: approvalPlaybook())
        let remote = try fixture.belay(["serve", "--workspace", fixture.workspace.path, "--bind", "0.0.0.0", "--port", "0"])
        #expect(remote.status == 2)
        #expect(remote.stderr.contains("--allow-remote"), "\(remote.output)")
        let missing = try fixture.belay(["serve", "--workspace", fixture.workspace.path, "--token-file", fixture.root.appendingPathComponent("none").path])
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("cannot read a token"), "\(missing.output)")
        let help = try fixture.belay(["serve", "--help"])
        #expect(help.status == 0)
        #expect(help.stdout.contains("belay serve --workspace /srv/site"))

        #expect(try fixture.run().status == 75)
        let (process, log) = try fixture.startBelay(["serve", "--workspace", fixture.workspace.path, "--port", "0"])
        defer { process.terminate(); process.waitUntilExit() }
        let read = { (try? String(contentsOf: log, encoding: .utf8)) ?? "" }
        #expect(eventually(60) { read().contains("API: http://127.0.0.1:") }, "\(read())")
        let printed = read()
        let line = try #require(printed.split(separator: "\n").first { $0.contains("token (") })
        let token = String(line.split(separator: " ").last ?? "")
        #expect(token.count == 64)
        #expect(printed.components(separatedBy: token).count == 3)  // the token line and the dashboard's address
        let port = try #require(printed.range(of: "127.0.0.1:").map { Int(printed[$0.upperBound...].prefix { $0.isNumber }) } ?? nil)
        let curl = { (auth: String) in
            try Tool.shell("curl -s -o /dev/null -w '%{http_code}' -X POST -H 'Authorization: Bearer \(auth)' -d '{\"by\":\"ana\",\"resume\":false}' http://127.0.0.1:\(port)/api/runs/r1/approve", in: fixture.root).stdout
        }
        #expect(try curl("wrong") == "401")
        #expect(try curl(token) == "200")
    }

    @Test func withoutBelayServeBesideItServeSaysHowToBuildIt() throws {
        let fixture = try RunFixture(playbook: approvalPlaybook())
        let alone = fixture.root.appendingPathComponent("bin/belay")
        try FileManager.default.createDirectory(at: alone.deletingLastPathComponent(), withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: belayBinary, to: alone)
        let result = try Tool.run(alone, ["serve", "--workspace", fixture.workspace.path], in: fixture.root)
        #expect(result.status == 2)
        #expect(result.stderr.contains("belay-serve program, which is not built"), "\(result.output)")
        #expect(result.stderr.contains("make serve"))
        #expect(result.stderr.contains("swift build --product belay-serve"))
    }
}
