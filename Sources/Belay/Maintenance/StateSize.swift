import Foundation

/// How big a workspace's `.belay` folder may grow before `status` says to run `belay gc`.
public enum StateSize {
    /// 1 GiB: far above a busy workspace's state after a collection, far below a full disk.
    public static let defaultLimit: Int64 = 1 << 30

    /// The limit `BELAY_STATE_LIMIT` sets (`500M`, `2G`, a byte count; `0` or `off`: never warn),
    /// else the default. Nil when warnings are off.
    public static func limit(environment: [String: String] = ProcessInfo.processInfo.environment) -> Int64? {
        guard let text = environment["BELAY_STATE_LIMIT"]?.trimmingCharacters(in: .whitespaces), !text.isEmpty else {
            return defaultLimit
        }
        if text == "off" { return nil }
        guard let bytes = parse(text) else { return defaultLimit }
        return bytes == 0 ? nil : bytes
    }

    /// `123`, `64K`, `500M`, `2G` (powers of 1024; a trailing `B` or `iB` is allowed).
    public static func parse(_ text: String) -> Int64? {
        var digits = text.uppercased()
        for suffix in ["IB", "B"] where digits.hasSuffix(suffix) { digits.removeLast(suffix.count) }
        var shift: Int64 = 0
        if let unit = digits.last, let power = ["K": 10, "M": 20, "G": 30, "T": 40][unit] {
            shift = Int64(power)
            digits.removeLast()
        }
        guard let value = Int64(digits), value >= 0, value < (Int64.max >> shift) else { return nil }
        return value << shift
    }

    /// The bytes under the workspace's `.belay`, and the limit when they are past it.
    public static func overLimit(workspace: URL) -> (bytes: Int64, limit: Int64)? {
        guard let limit = limit() else { return nil }
        let bytes = GarbageCollection.bytes(under: RunFolder.belayDirectory(workspace))
        return bytes > limit ? (bytes, limit) : nil
    }
}
