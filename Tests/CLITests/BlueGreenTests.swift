import Foundation
import Testing

/// playbooks/blue-green, run in temporary copies: what `current` points at and what it serves over
/// HTTP before and after a switch, an approval, a rejection, a failed check and a blocking gate —
/// and that no server outlives a run.
@Suite struct BlueGreenTests {
    private let folder = "blue-green"

    private func copy() throws -> ScratchCopy { try ScratchCopy(["playbooks/blue-green"]) }

    private func run(_ scratch: ScratchCopy, _ id: String, _ vars: [String]) throws -> ToolResult {
        try scratch.belay(["run", "\(folder)/playbook.yml", "--run-id", id] + vars.flatMap { ["--var", $0] })
    }

    private func belay(_ scratch: ScratchCopy, _ arguments: [String]) throws -> ToolResult {
        try scratch.belay(arguments + ["--workspace", folder])
    }

    /// Where `current` points, or nil.
    private func current(_ scratch: ScratchCopy) -> String? {
        try? FileManager.default.destinationOfSymbolicLink(atPath: scratch.url("\(folder)/current").path)
    }

    /// What `current` serves over HTTP: a server of our own is started on it, asked, and stopped.
    private func servedBody(_ scratch: ScratchCopy) throws -> String {
        let result = try scratch.shell(
            """
            bin/server.sh start current >/dev/null
            trap 'bin/server.sh stop >/dev/null' EXIT
            curl -fsS "http://127.0.0.1:$(cat run/server.port)/"
            """, in: folder)
        #expect(result.status == 0, "\(result.output)")
        return result.stdout
    }

    private func expectNoProcessLeft(_ scratch: ScratchCopy, sourceLocation: SourceLocation = #_sourceLocation) {
        let left = Tool.processes(inside: scratch.root)
        #expect(left.isEmpty, "processes left running: \(left)", sourceLocation: sourceLocation)
    }

    /// Releases `version` through the approval, then checks it is live.
    private func release(_ scratch: ScratchCopy, _ version: String) throws {
        let id = "bg-\(version)"
        let first = try run(scratch, id, ["version=\(version)"])
        #expect(first.status == 75, "\(first.output)")
        #expect(try belay(scratch, ["approve", id, "--by", "ana", "--comment", "smoke is green"]).status == 0)
        let resumed = try belay(scratch, ["resume", id])
        #expect(resumed.status == 0, "\(resumed.output)")
        #expect(current(scratch) == "releases/\(version)")
    }

    @Test func aReleaseWaitsForApprovalThenGoesLive() throws {
        let scratch = try copy()
        let result = try run(scratch, "bg-1", ["version=1.0.0"])
        #expect(result.status == 75, "\(result.output)")
        #expect(result.stdout.contains("gate PROCEED"))
        #expect(result.stdout.contains("waiting for approval at approve/go-live: Switch the live site to 1.0.0?"))
        #expect(current(scratch) == nil, "nothing is live before the approval")
        #expect(scratch.read("\(folder)/reports/smoke.xml")?.contains(#"name="index shows version 1.0.0">"#) == true)
        expectNoProcessLeft(scratch)   // the smoke server is stopped while the run waits

        let status = try belay(scratch, ["status", "bg-1", "--json"])
        #expect(status.stdout.contains(#""status":"waiting_approval""#) || status.stdout.contains(#""status": "waiting_approval""#))

        #expect(try belay(scratch, ["approve", "bg-1", "--by", "ana", "--comment", "smoke is green"]).status == 0)
        let resumed = try belay(scratch, ["resume", "bg-1"])
        #expect(resumed.status == 0, "\(resumed.output)")
        #expect(current(scratch) == "releases/1.0.0")
        #expect(try servedBody(scratch).contains("<p>version 1.0.0</p>"))
        expectNoProcessLeft(scratch)
    }

    @Test func aFailedLiveCheckSwitchesBackToThePreviousRelease() throws {
        let scratch = try copy()
        try release(scratch, "1.0.0")
        #expect(try servedBody(scratch).contains("version 1.0.0"))

        #expect(try run(scratch, "bg-2", ["version=1.1.0", "fail_at=live-check"]).status == 75)
        #expect(try belay(scratch, ["approve", "bg-2", "--by", "ana"]).status == 0)
        let resumed = try belay(scratch, ["resume", "bg-2"])
        #expect(resumed.status == 1, "\(resumed.output)")
        #expect(resumed.stdout.contains("current serves version 1.1.0"), "the switch had happened")
        #expect(resumed.stdout.contains("↺ switch/current compensated"))
        #expect(scratch.read("\(folder)/.belay/runs/bg-2/logs/switch.current.compensate.1.log") == "current -> releases/1.0.0\n")

        #expect(current(scratch) == "releases/1.0.0")
        let body = try servedBody(scratch)
        #expect(body.contains("version 1.0.0") && !body.contains("1.1.0"))
        #expect(!scratch.exists("\(folder)/releases/1.1.0"))
        expectNoProcessLeft(scratch)
    }

    @Test func aRejectedApprovalUndoesTheStagedRelease() throws {
        let scratch = try copy()
        try release(scratch, "1.0.0")
        #expect(try run(scratch, "bg-2", ["version=1.1.0"]).status == 75)
        #expect(scratch.exists("\(folder)/releases/1.1.0"))
        #expect(try belay(scratch, ["approve", "bg-2", "--reject", "--by", "ana", "--comment", "not today"]).status == 0)
        let resumed = try belay(scratch, ["resume", "bg-2"])
        #expect(resumed.status == 1, "\(resumed.output)")
        #expect(current(scratch) == "releases/1.0.0")
        #expect(try servedBody(scratch).contains("version 1.0.0"))
        #expect(!scratch.exists("\(folder)/releases/1.1.0"))
        expectNoProcessLeft(scratch)
    }

    @Test func aBrokenReleaseIsBlockedByTheGateBeforeAnyoneIsAsked() throws {
        let scratch = try copy()
        try release(scratch, "1.0.0")
        let result = try run(scratch, "bg-bad", ["version=1.2.0", "break_release=true"])
        #expect(result.status == 1, "\(result.output)")
        #expect(result.stdout.contains("gate BLOCK"))
        #expect(result.stdout.contains("key criterion 'smoke-pass' failed"))
        #expect(!result.stdout.contains("waits for approval"))
        let report = try Data(contentsOf: scratch.url("\(folder)/.belay/runs/bg-bad/gates/decide.gate.json"))
        let json = try #require(try JSONSerialization.jsonObject(with: report) as? [String: Any])
        #expect(json["decision"] as? String == "BLOCK")
        #expect(current(scratch) == "releases/1.0.0")
        #expect(try servedBody(scratch).contains("version 1.0.0"))
        #expect(!scratch.exists("\(folder)/releases/1.2.0"))
        expectNoProcessLeft(scratch)
    }

    @Test
    func rollingBackALiveReleaseSwitchesToThePreviousOne() throws {
        let scratch = try copy()
        try release(scratch, "1.0.0")
        try release(scratch, "1.1.0")
        #expect(try servedBody(scratch).contains("version 1.1.0"))

        let rollback = try belay(scratch, ["rollback", "bg-1.1.0", "--to", "approve"])
        #expect(rollback.status == 0, "\(rollback.output)")
        #expect(rollback.stdout.contains("↺ switch/current compensated"))
        #expect(current(scratch) == "releases/1.0.0")
        let body = try servedBody(scratch)
        #expect(body.contains("version 1.0.0") && !body.contains("1.1.0"))
        #expect(scratch.exists("\(folder)/releases/1.1.0"), "staged, approved, only no longer live")

        let all = try belay(scratch, ["rollback", "bg-1.1.0", "--to", "start"])
        #expect(all.status == 0, "\(all.output)")
        #expect(current(scratch) == "releases/1.0.0")
        #expect(!scratch.exists("\(folder)/releases/1.1.0"))
        expectNoProcessLeft(scratch)
    }

    @Test func theLeftoverCheckSeesAServerThatIsStillRunning() throws {
        let scratch = try copy()
        let start = try scratch.shell("bin/stage.sh 9.9.9 && bin/server.sh start releases/9.9.9", in: folder)
        #expect(start.status == 0, "\(start.output)")
        let running = Tool.processes(inside: scratch.root)
        #expect(running.contains { $0.contains("http.server") }, "\(running)")
        #expect(try scratch.shell("bin/server.sh stop && bin/server.sh stop", in: folder).stdout.contains("no server running"))
        expectNoProcessLeft(scratch)
    }
}
