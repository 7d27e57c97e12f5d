import Foundation
import Testing

/// Masking holds up against output that has no newline for tens of megabytes: the step ends, the
/// log is whole and holds no secret. (How fast is measured by `make bench`, not here.)
@Suite struct MaskingScaleTests {
    @Test func aFortyMegabyteLineWithSecretsIsMaskedWhole() throws {
        // 40 MiB of 'x' with the token at the start, in the middle and at the very end, no newline.
        let script = #"python3 -c 'import os,sys; t=os.environ["API_TOKEN"].encode(); h=b"x"*(20*1024*1024); sys.stdout.buffer.write(t+h+t+h+t)'"#
        let fixture = try RunFixture(playbook: playbookText(
            phase("one", steps: tracedStep("big", run: script)), header: "secrets: [API_TOKEN]\n"))
        let token = "tok-\(UUID().uuidString)"
        let result = try fixture.run(environment: ["API_TOKEN": token])
        #expect(result.status == 0, "\(result.output)")
        let log = try Data(contentsOf: fixture.workspace.appendingPathComponent(".belay/runs/r1/logs/one.big.run.1.log"))
        #expect(log.count == 2 * 20 * 1024 * 1024 + 3 * 3)
        #expect(log.prefix(4) == Data("***x".utf8))
        #expect(log.suffix(4) == Data("x***".utf8))
        #expect(log.range(of: Data(token.utf8)) == nil)
        #expect(log.range(of: Data("x***x".utf8)) != nil)
    }
}
