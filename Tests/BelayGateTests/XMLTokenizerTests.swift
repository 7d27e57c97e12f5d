import Foundation
import Testing
@testable import BelayGate

@Suite struct XMLTokenizerTests {
    @Test func reportsElementsAttributesTextEntitiesAndCDATA() throws {
        var recorder = EventRecorder()
        try XMLStream.parse(
            string: """
                <?xml version="1.0" encoding="UTF-8"?>
                <!-- comment <a> -->
                <root a='1' b="x &amp; &lt;y&gt; &#65;&#x42;"><?pi data?><child/>t&apos;&quot;<![CDATA[<raw> & ]]></root>
                """, into: &recorder)
        recorder.flush()
        #expect(recorder.events == [
            "start(root a=1,b=x & <y> AB)", "start(child)", "end(child)", "text(t'\"<raw> & )", "end(root)",
        ])
    }

    @Test func chunkBoundariesDoNotChangeTheEvents() throws {
        var document = "<r>"
        for i in 0..<200 {
            document += "<item id=\"\(i)\" label='é &amp; ü \(i)'>text \(i) &lt; ü<![CDATA[cdata ]] \(i)]]><!-- c \(i) --></item>\n"
        }
        document += "</r>"
        var small = EventRecorder()
        var large = EventRecorder()
        try XMLStream.parse(string: document, into: &small, limits: XMLLimits(chunkSize: 64))
        try XMLStream.parse(string: document, into: &large)
        small.flush()
        large.flush()
        #expect(small.events.count == 1 + 200 * 4 + 1)  // start, text, end, newline per item
        #expect(small.events == large.events)
        #expect(small.events[1] == "start(item id=0,label=é & ü 0)")
        #expect(small.events[2] == "text(text 0 < ücdata ]] 0)")
    }

    @Test func mismatchedTagsAreLocatedByLineAndColumn() throws {
        var recorder = EventRecorder()
        let error = try #require(throws: XMLError.self) {
            try XMLStream.parse(file: fixture("junit/malformed.xml"), into: &recorder)
        }
        #expect(error.code == .malformed)
        #expect(error.line == 3)
        #expect(error.column == 3)
        #expect(error.message.contains("</testsuit> does not match the open element <testcase>"))
    }

    @Test func billionLaughsIsRefusedBeforeAnyExpansion() throws {
        var recorder = EventRecorder()
        let error = try #require(throws: XMLError.self) {
            try XMLStream.parse(file: fixture("xml/billion-laughs.xml"), into: &recorder)
        }
        #expect(error.code == .entityDeclaration)
        #expect(error.message.contains("external entities / entity declarations are not allowed"))
        #expect(error.line == 3)
        #expect(recorder.events.isEmpty)
    }

    @Test func externalEntitiesAreRefused() throws {
        var recorder = EventRecorder()
        let error = try #require(throws: XMLError.self) {
            try XMLStream.parse(file: fixture("xml/xxe.xml"), into: &recorder)
        }
        #expect(error.code == .entityDeclaration)
        #expect(error.line == 2)
        #expect(recorder.events.isEmpty)
    }

    @Test func undefinedEntitiesAreErrorsNotLookups() throws {
        var recorder = EventRecorder()
        let error = try #require(throws: XMLError.self) {
            try XMLStream.parse(file: fixture("xml/undefined-entity.xml"), into: &recorder)
        }
        #expect(error.code == .undefinedEntity)
        #expect(error.message.contains("&nbsp;"))
    }

    @Test(arguments: [
        ("<a><b></a>", "does not match"),
        ("<a>", "is not closed"),
        ("<a x=1/>", "quoted"),
        ("<a/><b/>", "second root"),
        ("text<a/>", "before the root"),
        ("<a x='1'y='2'/>", "separated by whitespace"),
        ("<a><![CDATA[never closed</a>", "CDATA"),
        ("", "no root element"),
    ])
    func malformedDocumentsAreRejected(input: String, expected: String) throws {
        var recorder = EventRecorder()
        let error = try #require(throws: XMLError.self) { try XMLStream.parse(string: input, into: &recorder) }
        #expect(error.message.contains(expected), "\(error.message)")
    }

    @Test func oversizedTagsAndDeepNestingHitTheLimits() throws {
        var recorder = EventRecorder()
        let huge = "<a v=\"" + String(repeating: "x", count: 1000) + "\"/>"
        let tooLarge = try #require(throws: XMLError.self) {
            try XMLStream.parse(string: huge, into: &recorder, limits: XMLLimits(chunkSize: 64, maxTokenSize: 256))
        }
        #expect(tooLarge.code == .limitExceeded)
        let deep = String(repeating: "<a>", count: 20) + String(repeating: "</a>", count: 20)
        let tooDeep = try #require(throws: XMLError.self) {
            try XMLStream.parse(string: deep, into: &recorder, limits: XMLLimits(maxDepth: 10))
        }
        #expect(tooDeep.code == .limitExceeded)
    }

    @Test func utf16IsRefusedWithAClearMessage() throws {
        var recorder = EventRecorder()
        let error = try #require(throws: XMLError.self) {
            try XMLStream.parse(bytes: [0xFF, 0xFE, 0x3C, 0x00], into: &recorder)
        }
        #expect(error.code == .unsupportedEncoding)
    }
}
