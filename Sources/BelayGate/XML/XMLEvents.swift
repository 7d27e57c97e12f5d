#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A run of bytes inside the tokenizer's buffer: an element name, an attribute value or text.
///
/// It is a borrowed view, valid only during the callback that received it, so that reading a
/// million elements allocates nothing for the ones a reader does not care about. Copy what you keep
/// (`string`, `decoded()`, `copyBytes()`).
public struct XMLBytes {
    @usableFromInline let base: UnsafePointer<UInt8>
    /// The number of bytes.
    public let count: Int
    /// The absolute byte offset of the first byte in the input (for error locations).
    public let offset: Int

    @usableFromInline init(base: UnsafePointer<UInt8>, count: Int, offset: Int) {
        self.base = base
        self.count = count
        self.offset = offset
    }

    public var buffer: UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(start: base, count: count) }

    /// The bytes as UTF-8 text, undecoded (entity references are left as they are).
    public var rawString: String { String(decoding: buffer, as: UTF8.self) }

    public func copyBytes() -> [UInt8] { Array(buffer) }

    /// Whether the bytes equal an ASCII literal, without allocating.
    @inlinable public static func == (lhs: XMLBytes, rhs: StaticString) -> Bool {
        lhs.count == rhs.utf8CodeUnitCount && memcmp(lhs.base, rhs.utf8Start, lhs.count) == 0
    }

    @inlinable public func equals(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        count == bytes.count && (count == 0 || memcmp(base, bytes.baseAddress!, count) == 0)
    }
}

/// An attribute value or a run of character data, decoded on demand.
public struct XMLText {
    public let raw: XMLBytes
    /// CDATA content is taken literally: `&` in it is not an entity reference.
    public let isCDATA: Bool

    /// The text with the predefined entities and character references replaced.
    /// Throws for any other entity: declarations are refused, so nothing else can be defined.
    public func decoded() throws -> String {
        isCDATA ? raw.rawString : try XMLEntities.decode(raw)
    }
}

/// A start tag: its name and attributes, borrowed from the tokenizer's buffer.
public struct XMLElement {
    public let name: XMLBytes
    /// `<a/>`: the tokenizer calls `endElement` right after `startElement`.
    public let isSelfClosing: Bool
    @usableFromInline let base: UnsafePointer<UInt8>
    @usableFromInline let baseOffset: Int
    @usableFromInline let spans: UnsafeBufferPointer<AttributeSpan>

    public var attributeCount: Int { spans.count }

    /// The value of the attribute with this exact name, if present.
    @inlinable public func attribute(_ name: StaticString) -> XMLText? {
        for span in spans where span.nameCount == name.utf8CodeUnitCount {
            if memcmp(base + span.nameStart, name.utf8Start, span.nameCount) == 0 {
                return value(span)
            }
        }
        return nil
    }

    /// Every attribute in document order, as (name, value).
    public var attributes: [(name: String, value: XMLText)] {
        spans.map {
            (String(decoding: UnsafeBufferPointer(start: base + $0.nameStart, count: $0.nameCount), as: UTF8.self),
             value($0))
        }
    }

    @usableFromInline func value(_ span: AttributeSpan) -> XMLText {
        XMLText(
            raw: XMLBytes(base: base + span.valueStart, count: span.valueCount, offset: baseOffset + span.valueStart),
            isCDATA: false)
    }
}

/// Where an attribute's name and value lie in the buffer.
@usableFromInline struct AttributeSpan {
    @usableFromInline var nameStart: Int
    @usableFromInline var nameCount: Int
    @usableFromInline var valueStart: Int
    @usableFromInline var valueCount: Int
}

/// Receives the events of a streamed XML document, in order.
///
/// Comments and processing instructions are skipped; a DOCTYPE without declarations is skipped and
/// its DTD is never fetched.
public protocol XMLEventHandler {
    /// `false` (the default) skips character data entirely, which is what most evidence readers want.
    var wantsText: Bool { get }
    mutating func startElement(_ element: XMLElement) throws
    mutating func endElement(_ name: XMLBytes) throws
    /// Character data, possibly in several pieces (at most one chunk each); CDATA pieces are flagged.
    mutating func text(_ text: XMLText) throws
}

extension XMLEventHandler {
    public var wantsText: Bool { false }
    public mutating func text(_ text: XMLText) throws {}
}
