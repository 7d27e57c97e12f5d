import Foundation
import Testing
@testable import Belay

/// The direct line parser reads exactly what `JSONDecoder` reads, and leaves it the rest.
@Suite struct JournalLineParserTests {
    static func everyField() -> JournalEvent {
        var event = JournalEvent(seq: 42, time: "2026-11-29T00:00:00.123Z", event: .runStarted)
        event.run = "r1"
        event.playbook = "deploy"
        event.workspace = "/srv/app \"quoted\" \\ back"
        event.onFailure = .pause
        event.plan = [.init(id: "one", name: "First ✓", parallel: true, steps: ["a", "b"]), .init(id: "two", steps: [])]
        event.vars = ["version": "1.4.2", "emoji": "😀", "ctl": "tab\tnew\nline\u{01}"]
        event.source = "/p/deploy.yml"
        event.environment = "prod"
        event.lock = "db"
        event.shown = ["version"]
        event.pid = -3
        event.host = "h"
        event.phase = "one"
        event.step = "a"
        event.action = .compensate
        event.attempt = 2
        event.processGroup = 1234
        event.processStart = 9_876_543_210
        event.exitCode = 137
        event.durationMs = 0
        event.outputs = ["k": "v"]
        event.value = #"{"json":[1,2]}"#
        event.error = "boom\r\n"
        event.note = "n"
        event.by = "ana"
        event.log = ".belay/runs/r1/logs/x.log"
        event.point = "start"
        event.commit = String(repeating: "a", count: 40)
        event.tree = String(repeating: "b", count: 40)
        event.failedStep = "one/a"
        event.decision = .conditionalProceed
        event.criteria = ["tests": "pass"]
        event.comment = "ok"
        event.deadline = "2026-11-30T00:00:00Z"
        event.outcomeUnknown = true
        event.preserved = ["M app.txt"]
        event.machine = "0f3c9a7e5b2d4c81"
        event.captures = ["schema": "recorded", "rows": "failed"]
        return event
    }

    /// A field the parser does not know sends every line holding it to `JSONDecoder`, many times
    /// slower: `everyField` must set them all, so the test below covers each.
    @Test func everyFieldSetsEveryField() {
        let unset = Mirror(reflecting: Self.everyField()).children.filter { child in
            let value = Mirror(reflecting: child.value)
            return value.displayStyle == .optional && value.children.isEmpty
        }
        #expect(unset.map { $0.label ?? "?" } == [])
    }

    /// Kinds and keys are found by a hash of their bytes: each must be found by its own bytes, and
    /// a near miss (one byte changed, one cut off) by none.
    @Test func everyKindAndKeyIsFoundByItsBytes() {
        for kind in JournalEvent.Kind.allCases {
            var bytes = Array(kind.rawValue.utf8)
            #expect(bytes.withUnsafeBufferPointer { JournalEvent.Kind($0) } == kind)
            #expect(bytes.dropLast().withUnsafeBufferPointer { JournalEvent.Kind($0) } == nil)
            bytes[bytes.count - 1] ^= 0x20
            #expect(bytes.withUnsafeBufferPointer { JournalEvent.Kind($0) } == nil)
        }
        for member in JournalLineParser.Member.allCases {
            var bytes = Array(UnsafeBufferPointer(start: member.key.utf8Start, count: member.key.utf8CodeUnitCount))
            #expect(bytes.withUnsafeBufferPointer { JournalLineParser.Member($0) } == member)
            bytes[0] ^= 0x20
            #expect(bytes.withUnsafeBufferPointer { JournalLineParser.Member($0) } == nil)
        }
    }

    @Test func aLineWithAMachineAndNonASCIITextIsReadDirectly() throws {
        var event = JournalEvent(seq: 3, time: "2026-11-29T00:00:00.123Z", event: .processStarted)
        event.machine = "host-1"
        event.note = "déploiement ✓"
        let line = String(decoding: JournalChecksum.seal(Array(event.jsonText.rendered().utf8)), as: UTF8.self)
        #expect(Self.parse(line) == event)
        // Bytes that are not UTF-8 are left to the decoder, which refuses them.
        var invalid = Array(#"{"seq":1,"time":"t","event":"warning","note":"a"#.utf8)
        invalid += [0xC3, 0x28] + Array(#""}"#.utf8)
        #expect(invalid.withUnsafeBufferPointer { JournalLineParser.parse($0) } == nil)
    }

    static func parse(_ text: String) -> JournalEvent? {
        Array(text.utf8).withUnsafeBufferPointer { JournalLineParser.parse($0) }
    }

    @Test func aLineWithEveryFieldReadsAsTheDecoderReadsIt() throws {
        let line = String(decoding: JournalChecksum.seal(Array(Self.everyField().jsonText.rendered().utf8)), as: UTF8.self)
        let direct = try #require(Self.parse(line))
        let decoded = try JSONDecoder().decode(JournalEvent.self, from: Data(line.utf8))
        #expect(direct == decoded)
        #expect(direct == Self.everyField())
    }

    @Test func whatItDoesNotKnowIsLeftToTheDecoder() throws {
        for text in [
            #"{"seq":1,"time":"t","event":"run_started","future_field":1}"#,
            #"{"seq":1.0,"time":"t","event":"run_started"}"#,
            #"{"seq":01,"time":"t","event":"run_started"}"#,
            #"{"seq":1,"time":"t","event":"no_such_event"}"#,
            #"{"seq":1,"time":"t"}"#,
            #"{"seq":1,"time":"t","event":"run_started"} x"#,
            "{\"seq\":1,\"time\":\"a\u{01}b\",\"event\":\"run_started\"}",
        ] {
            #expect(Self.parse(text) == nil, "\(text)")
        }
        let spaced = try #require(Self.parse(#"{ "seq" : 7 , "time" : "t" , "event" : "warning" , "note" : null }"#))
        #expect(spaced.seq == 7 && spaced.event == .warning && spaced.note == nil)
        // The reader still accepts what only the decoder understands.
        let read = try JournalReader.decode(Data((#"{"seq":1,"time":"t","event":"run_started","future_field":1}"# + "\n").utf8))
        #expect(read.events.map(\.seq) == [1])
    }

    /// One reader remembers each member's last string and each kind's order of keys: lines that
    /// repeat, reorder, add, drop or change members must still read as the decoder reads them.
    @Test func linesReadWithOneMemoryReadAsTheDecoderReadsThem() throws {
        let lines = [
            #"{"seq":1,"time":"2026-11-29T00:00:00.000Z","event":"step_started","run":"r","phase":"p","step":"s1","log":".belay/runs/r/logs/p.s1.run.1.log"}"#,
            #"{"seq":2,"time":"2026-11-29T00:00:00.000Z","event":"step_started","run":"r","phase":"p","step":"s1","log":".belay/runs/r/logs/p.s1.run.1.log"}"#,
            #"{"seq":3,"time":"2026-11-29T00:00:00.001Z","event":"step_started","run":"r","phase":"p","step":"s2","log":".belay/runs/r/logs/p.s2.run.1.log"}"#,
            #"{"seq":4,"time":"2026-11-29T00:00:00.001Z","event":"step_started","phase":"p","run":"r","step":"s22","attempt":2}"#,
            #"{"seq":5,"time":"2026-11-29T00:00:00.001Z","event":"step_started","run":"rr","phase":"pp","step":"s2","note":"a note","log":null}"#,
            #"{"seq":6,"time":"2026-11-29T00:00:00.001Z","event":"step_started","run":"r","phase":"p","step":"s2","log":".belay/runs/r/logs/p.s2.run.1.lo"}"#,
            #"{"seq":7,"time":"2026-11-29T00:00:00.001Z","event":"step_failed","run":"r","phase":"p","step":"s2","error":"déjà vu"}"#,
            #"{"seq":8,"time":"2026-11-29T00:00:00.001Z","event":"step_failed","run":"r","phase":"p","step":"s2","error":"déjà vu"}"#,
            #"{"seq":9,"time":"2026-11-29T00:00:00.001Z","event":"step_failed","run":"r","phase":"p","step":"s2","error":"","exit_code":1}"#,
            #"{"seq":10, "time":"2026-11-29T00:00:00.001Z","event":"step_failed","run" :"r","phase":"p","step":"s2","error":""}"#,
            #"{"time":"2026-11-29T00:00:00.001Z","seq":11,"event":"step_failed","run":"r","phase":"p","step":"s2"}"#,
        ]
        var memory = JournalLineParser.LineMemory()
        for line in lines {
            var event = JournalEvent(event: .warning)
            let read = Array(line.utf8).withUnsafeBufferPointer { JournalLineParser.parse($0, into: &event, memory: &memory) }
            #expect(read, "\(line)")
            #expect(event == (try JSONDecoder().decode(JournalEvent.self, from: Data(line.utf8))), "\(line)")
        }
        // A key a remembered one is a prefix of, or that is a prefix of it, is not taken for it.
        for line in [#"{"seq":12,"time":"t","event":"step_failed","run":"r","phases":"p"}"#, #"{"seq":13,"time":"t","event":"step_failed","ru":"r"}"#] {
            var event = JournalEvent(event: .warning)
            #expect(!Array(line.utf8).withUnsafeBufferPointer { JournalLineParser.parse($0, into: &event, memory: &memory) })
        }
    }

    /// Two byte strings of at most 16 bytes are equal as `ShortBytes` exactly when they are equal.
    @Test func shortBytesTellEveryChange() {
        let base = Array("abcdefghijklmnop".utf8)
        for count in 0...16 {
            let bytes = Array(base.prefix(count))
            let original = bytes.withUnsafeBufferPointer { ShortBytes($0) }
            #expect(original != nil)
            for index in 0..<count {
                var changed = bytes
                changed[index] ^= 0x01
                #expect(changed.withUnsafeBufferPointer { ShortBytes($0) } != original, "count \(count), byte \(index)")
            }
            if count > 0 { #expect(bytes.dropLast().withUnsafeBufferPointer { ShortBytes($0) } != original) }
        }
        #expect(Array(repeating: UInt8(0), count: 17).withUnsafeBufferPointer { ShortBytes($0) } == nil)
    }

    /// The processor's instruction (where there is one) and the sliced table both give the
    /// byte-at-a-time checksum.
    @Test func fastChecksumsMatchTheBytewiseOnes() {
        var generator = SystemRandomNumberGenerator()
        for length in [0, 1, 7, 8, 9, 15, 16, 17, 63, 64, 65, 300, 1000] {
            let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
            let fast = bytes.withUnsafeBufferPointer { CRC32C.finish(CRC32C.update(CRC32C.initial, $0)) }
            #expect(fast == CRC32C.checksum(bytes), "length \(length)")
            let sliced = bytes.withUnsafeBufferPointer { buffer in
                CRC32C.finish(CRC32C.slicingBy8(CRC32C.initial, buffer.baseAddress ?? UnsafePointer(bitPattern: 1)!, length))
            }
            #expect(sliced == CRC32C.checksum(bytes), "length \(length)")
        }
        let known = Array("123456789".utf8).withUnsafeBufferPointer { CRC32C.finish(CRC32C.update(CRC32C.initial, $0)) }
        #expect(known == 0xE306_9283)
    }
}
