/// Bounds that keep a hostile or broken JSON file from using unbounded memory or stack.
public struct JSONLimits: Sendable, Hashable {
    /// Bytes read per `read(2)`.
    public var chunkSize: Int
    /// The deepest nesting of objects and arrays accepted.
    public var maxDepth: Int
    /// The longest string (after unescaping), in bytes.
    public var maxStringBytes: Int

    public init(chunkSize: Int = 1 << 20, maxDepth: Int = 512, maxStringBytes: Int = 16 << 20) {
        self.chunkSize = max(chunkSize, 16)
        self.maxDepth = maxDepth
        self.maxStringBytes = maxStringBytes
    }

    public static let `default` = JSONLimits()
}
