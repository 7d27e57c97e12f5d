import Foundation
import Testing

/// The built `belay` binary: `BELAY_BIN` when set (the Makefile sets it), else the debug build.
let belayBinary: URL = {
    if let path = ProcessInfo.processInfo.environment["BELAY_BIN"], !path.isEmpty {
        return URL(fileURLWithPath: path)
    }
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    return root.appendingPathComponent(".build/debug/belay")
}()

@Test func printsItsVersion() throws {
    let result = try Tool.run(belayBinary, ["--version"], in: FileManager.default.temporaryDirectory)
    #expect(result.status == 0)
    #expect(result.stdout.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: ".").count == 3)
}
