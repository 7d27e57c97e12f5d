import Foundation
@testable import BelayGate

/// The path of a fixture file shipped with the tests.
func fixture(_ name: String) -> String {
    Bundle.module.resourceURL!.appendingPathComponent("Fixtures").appendingPathComponent(name).path
}

/// A fresh temporary directory, removed when `body` returns.
func withTemporaryDirectory<T>(_ body: (String) throws -> T) throws -> T {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("belay-gate-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: url) }
    return try body(url.path)
}

func write(_ text: String, to path: String) throws {
    try FileManager.default.createDirectory(
        atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
    try text.write(toFile: path, atomically: true, encoding: .utf8)
}

/// The repository's default release policy.
let releasePolicyPath: String = {
    URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("playbooks/gates/release.yml").path
}()

/// Records every event as a line, for comparing tokenizer runs.
struct EventRecorder: XMLEventHandler {
    var events: [String] = []
    var pendingText: [UInt8] = []
    var pendingCDATA = false
    var wantsText: Bool { true }

    mutating func flush() {
        if !pendingText.isEmpty {
            events.append("text(\(String(decoding: pendingText, as: UTF8.self)))")
            pendingText.removeAll()
        }
    }

    mutating func startElement(_ element: XMLElement) throws {
        flush()
        let attributes = try element.attributes.map { "\($0.name)=\(try $0.value.decoded())" }.joined(separator: ",")
        events.append("start(\(element.name.rawString)\(attributes.isEmpty ? "" : " " + attributes))")
    }

    mutating func endElement(_ name: XMLBytes) throws {
        flush()
        events.append("end(\(name.rawString))")
    }

    mutating func text(_ text: XMLText) throws {
        pendingText += Array(try text.decoded().utf8)
    }
}
