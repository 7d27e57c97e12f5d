import Foundation
import Testing
@testable import BelaySupport

/// `JSONText` writes what a JSON parser reads back exactly, in the order it was given.
@Suite struct JSONTextTests {
    @Test func everyStringReadsBackAsWritten() throws {
        var texts = ["", "plain", "quote \" and backslash \\", "line\nfeed\r\ttab", "é ✓ 😀", "\u{7F}"]
        texts.append(String(decoding: (0..<0x20).map { UInt8($0) }, as: UTF8.self))
        for text in texts {
            let rendered = JSONText.array([.string(text)]).rendered()
            let parsed = try JSONSerialization.jsonObject(with: Data(rendered.utf8)) as? [String]
            #expect(parsed == [text], "\(rendered)")
        }
        #expect(JSONText.string("a\u{01}\u{1F}\u{08}\u{0C}").rendered() == #""a\u0001\u001f\b\f""#)
    }

    @Test func objectsKeepTheirOrderAndPrettyPrintingIndents() {
        let value = JSONText.object([("b", .int(-3)), ("a", .array([.bool(true), .null, .number(1.5)])), ("c", .object([]))])
        #expect(value.rendered() == #"{"b":-3,"a":[true,null,1.5],"c":{}}"#)
        #expect(value.rendered(pretty: true) == """
            {
              "b": -3,
              "a": [
                true,
                null,
                1.5
              ],
              "c": {}
            }
            """)
        #expect(value.renderedBytes() == Array(value.rendered().utf8))
    }
}
