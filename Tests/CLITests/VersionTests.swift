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
    let process = Process()
    process.executableURL = belayBinary
    process.arguments = ["--version"]
    let pipe = Pipe()
    process.standardOutput = pipe
    try process.run()
    process.waitUntilExit()
    let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    #expect(process.terminationStatus == 0)
    #expect(output.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: ".").count == 3)
}
