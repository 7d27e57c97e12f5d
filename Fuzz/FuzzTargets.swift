// Coverage-guided fuzzing of every reader of untrusted text (libFuzzer, `swiftc -sanitize=fuzzer`).
// Built and run by Fuzz/run.sh (`make fuzz`); the target is chosen by the FUZZ_TARGET variable.
import BelayPlaybook
import Foundation
@testable import BelayGate

/// Records nothing, but asks for text so the tokenizer's text path runs too.
struct TextSink: XMLEventHandler {
    var wantsText: Bool { true }
    mutating func startElement(_ element: XMLElement) throws {
        for attribute in element.attributes { _ = try attribute.value.decoded() }
    }
    mutating func endElement(_ name: XMLBytes) throws {}
    mutating func text(_ text: XMLText) throws { _ = try text.decoded() }
}

let target = ProcessInfo.processInfo.environment["FUZZ_TARGET"] ?? ""
/// Small chunks so inputs cross chunk boundaries, which is where streaming readers go wrong.
let smallXML = XMLLimits(chunkSize: 64, maxTokenSize: 1 << 20, maxDepth: 512)

func fuzz(_ bytes: [UInt8]) {
    switch target {
    case "xml":
        var sink = TextSink()
        try? XMLStream.parse(bytes: bytes, into: &sink, limits: smallXML)
    case "junit":
        var handler = JUnitHandler(failingLimit: 20)
        try? XMLStream.parse(bytes: bytes, into: &handler, limits: smallXML)
    case "cobertura":
        var handler = CoberturaHandler()
        if (try? XMLStream.parse(bytes: bytes, into: &handler, limits: smallXML)) != nil { _ = handler.finish("fuzz").value?.metrics }
    case "lcov":
        _ = LcovReader.read(text: String(decoding: bytes, as: UTF8.self)).value?.metrics
    case "sarif":
        _ = SARIFReader.read(data: Data(bytes), name: "fuzz.sarif").value?.metrics
    case "json":
        _ = try? JSONMetricsReader.numbers(at: ["a.b", "runs.0.score", "c"], in: ByteSource.bytes(bytes, chunkSize: 16))
    case "policy":
        _ = try? GatePolicy.parse(text: String(decoding: bytes, as: UTF8.self), file: "fuzz.yml", directory: ".")
    case "playbook":
        _ = PlaybookLoader.analyze(text: String(decoding: bytes, as: UTF8.self), file: "fuzz.yml")
    default:
        fatalError("set FUZZ_TARGET to one of: xml junit cobertura lcov sarif json policy playbook")
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    fuzz(Array(UnsafeBufferPointer(start: data, count: size)))
    return 0
}
