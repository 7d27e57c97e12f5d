/// Writes a value as bytes, or reads it back, through one function per type that names its fields
/// in order (`StateCodable.code`): the same walk serves both ways, so the writer and the reader
/// cannot disagree about the order. The fold cache (`FoldCache`) keeps a run's state with it.
///
/// The bytes are this build's own: integers as LEB128, strings by length, enumerations by case
/// position. The cache that holds them names the build that wrote them and is ignored by any other.
struct StateCoder {
    private(set) var bytes: [UInt8]
    private var position = 0
    let isReading: Bool
    /// Set when reading ran past the end or met a value no writer makes: whatever was read is
    /// then meaningless, and the reader throws it away.
    private(set) var failed = false

    /// A coder that writes.
    init() {
        bytes = []
        isReading = false
    }

    /// A coder that reads `bytes`.
    init(reading bytes: [UInt8]) {
        self.bytes = bytes
        isReading = true
    }

    /// Whether every byte was read.
    var isAtEnd: Bool { position == bytes.count }

    mutating func code<Value: StateCodable>(_ value: inout Value) {
        value.code(&self)
    }

    /// Marks the read as failed.
    mutating func fail() { failed = true }

    // MARK: Primitives

    mutating func integer(_ value: inout UInt64) {
        if !isReading {
            var rest = value
            while rest >= 0x80 {
                bytes.append(UInt8(truncatingIfNeeded: rest) | 0x80)
                rest >>= 7
            }
            bytes.append(UInt8(rest))
            return
        }
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while position < bytes.count, shift < 64 {
            let byte = bytes[position]
            position += 1
            result |= UInt64(byte & 0x7F) << shift
            if byte < 0x80 {
                value = result
                return
            }
            shift += 7
        }
        failed = true
    }

    /// A signed integer, zigzag-folded so small negatives stay short.
    mutating func integer(_ value: inout Int64) {
        var folded = UInt64(bitPattern: (value << 1) ^ (value >> 63))
        integer(&folded)
        if isReading { value = Int64(bitPattern: (folded >> 1) ^ (0 &- (folded & 1))) }
    }

    /// A count of things that follow, each at least one byte: never more than the bytes left.
    mutating func count(_ value: inout Int) {
        var count = UInt64(value)
        integer(&count)
        guard isReading else { return }
        guard count <= UInt64(bytes.count - position) else {
            failed = true
            value = 0
            return
        }
        value = Int(count)
    }

    /// A small number that picks among cases: a case's position, a kind.
    mutating func choice(_ value: inout Int) {
        var choice = UInt64(value)
        integer(&choice)
        guard isReading else { return }
        guard choice < 256 else { return fail() }
        value = Int(choice)
    }

    mutating func text(_ value: inout String) {
        guard isReading else {
            var count = value.utf8.count
            self.count(&count)
            bytes.append(contentsOf: value.utf8)
            return
        }
        var count = 0
        self.count(&count)
        guard !failed else { return }
        value = bytes.withUnsafeBufferPointer {
            String(decoding: UnsafeBufferPointer(rebasing: $0[position..<position + count]), as: UTF8.self)
        }
        position += count
    }

    mutating func flag(_ value: inout Bool) {
        guard isReading else {
            bytes.append(value ? 1 : 0)
            return
        }
        guard position < bytes.count, bytes[position] <= 1 else {
            failed = true
            return
        }
        value = bytes[position] == 1
        position += 1
    }
}

/// A type the fold cache writes and reads back, field by field.
protocol StateCodable {
    /// The value a reader starts from before it reads the fields into it.
    static var blank: Self { get }
    /// Writes or reads (as `coder` does) every stored field, in declaration order.
    mutating func code(_ coder: inout StateCoder)
}

extension String: StateCodable {
    static var blank: String { "" }
    mutating func code(_ coder: inout StateCoder) { coder.text(&self) }
}

extension Bool: StateCodable {
    static var blank: Bool { false }
    mutating func code(_ coder: inout StateCoder) { coder.flag(&self) }
}

/// A signed integer, written as an `Int64`.
protocol StateCodableInteger: StateCodable, FixedWidthInteger, SignedInteger {}

extension StateCodableInteger {
    static var blank: Self { 0 }

    mutating func code(_ coder: inout StateCoder) {
        var wide = Int64(self)
        coder.integer(&wide)
        guard let narrowed = Self(exactly: wide) else { return coder.fail() }
        self = narrowed
    }
}

extension Int: StateCodableInteger {}
extension Int64: StateCodableInteger {}
extension Int32: StateCodableInteger {}

/// An enumeration written as the position of its case.
protocol StateCodableCase: StateCodable, CaseIterable, Equatable {}

extension StateCodableCase {
    static var blank: Self { allCases.first! }

    mutating func code(_ coder: inout StateCoder) {
        let cases = Array(Self.allCases)
        var position = cases.firstIndex(of: self) ?? 0
        coder.choice(&position)
        guard coder.isReading else { return }
        guard position < cases.count else { return coder.fail() }
        self = cases[position]
    }
}

extension Optional: StateCodable where Wrapped: StateCodable {
    static var blank: Wrapped? { nil }

    mutating func code(_ coder: inout StateCoder) {
        var present = self != nil
        coder.flag(&present)
        if coder.isReading { self = present ? Wrapped.blank : nil }
        if present { self!.code(&coder) }
    }
}

extension Array: StateCodable where Element: StateCodable {
    static var blank: [Element] { [] }

    mutating func code(_ coder: inout StateCoder) {
        var count = self.count
        coder.count(&count)
        guard coder.isReading else {
            // By value: a writer never changes the array, so it is never copied for an in-place walk.
            for element in self {
                var element = element
                element.code(&coder)
            }
            return
        }
        self = []
        guard count > 0 else { return }
        reserveCapacity(count)
        for _ in 0..<count where !coder.failed {
            append(Element.blank)
            self[endIndex - 1].code(&coder)
        }
    }
}

extension Dictionary: StateCodable where Key: StateCodable, Value: StateCodable {
    static var blank: [Key: Value] { [:] }

    mutating func code(_ coder: inout StateCoder) {
        var count = self.count
        coder.count(&count)
        guard coder.isReading else {
            for (key, value) in self {
                var (key, value) = (key, value)
                key.code(&coder)
                value.code(&coder)
            }
            return
        }
        // Most maps read are empty (a step's outputs): making one reserves nothing.
        self = [:]
        guard count > 0 else { return }
        reserveCapacity(count)
        for _ in 0..<count where !coder.failed {
            var (key, value) = (Key.blank, Value.blank)
            key.code(&coder)
            value.code(&coder)
            self[key] = value
        }
    }
}
