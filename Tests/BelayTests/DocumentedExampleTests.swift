import Foundation
import Testing
import Belay

private struct Bucket: Codable, Sendable { var name: String }

/// The saga of docs/engine.md, run for real with git rollback points: `deploy.sh` does not exist,
/// so the app phase fails and the bucket is compensated with the value its run returned.
@Test func theDocumentedSagaRunsAndCompensatesWithTheReturnedValue() async throws {
    let directory = try TemporaryDirectory()
    try "v1\n".write(to: directory.file("state.txt"), atomically: true, encoding: .utf8)
    let trace = Trace()
    let saga = Saga("provision") {
        Phase("storage") {
            Step("bucket", retry: RetryPolicy(attempts: 3, delay: .milliseconds(1)),
                 run: { ctx in Bucket(name: "logs-\(ctx.runID)") },
                 compensate: { ctx, bucket in
                     ctx.log("deleting \(bucket?.name ?? "a half-made bucket")")
                     trace.add("undo \(bucket?.name ?? "nil")")
                 })
        }
        Phase("app", parallel: true) {
            Step("deploy", command: "echo v2 > state.txt; ./deploy.sh", compensate: "echo undeploy >> undeploy.txt")
            Step("notify", critical: false, run: { _ in trace.add("notify") })
        }
    }
    let engine = try Engine(workspace: directory.url)
    let outcome = try await engine.run(saga, options: RunOptions(runID: "doc", onFailure: .compensate))
    guard case .compensated(let failure?) = outcome.result else {
        Issue.record("expected compensated, got \(outcome.result)")
        return
    }
    #expect(failure.site.description == "app/deploy")
    #expect(trace.all.contains("undo logs-doc"))
    #expect(outcome.state.pointOrder == ["start", "storage"])
    // Restored to the start point: the edit and the compensation's own file are gone.
    #expect(try String(contentsOf: directory.file("state.txt"), encoding: .utf8) == "v1\n")
    #expect(!FileManager.default.fileExists(atPath: directory.file("undeploy.txt").path))
    let log = try String(
        contentsOf: directory.url.appendingPathComponent(".belay/runs/doc/logs/storage.bucket.compensate.1.log"),
        encoding: .utf8)
    #expect(log == "deleting logs-doc\n")
}
