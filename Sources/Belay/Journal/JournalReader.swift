import Foundation

/// Reads a journal back: every well-formed line, in order.
public enum JournalReader {
    /// The events of a journal file and the number of lines that could not be decoded (a torn last
    /// line after a crash).
    public static func read(_ url: URL) throws(EngineError) -> (events: [JournalEvent], ignoredLines: Int) {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw EngineError(.journal, .io(.journal, path: url.path, reason: error.localizedDescription))
        }
        return decode(data)
    }

    public static func decode(_ data: Data) -> (events: [JournalEvent], ignoredLines: Int) {
        let decoder = JSONDecoder()
        var events: [JournalEvent] = []
        var ignored = 0
        for line in data.split(separator: 0x0A, omittingEmptySubsequences: true) {
            if let event = try? decoder.decode(JournalEvent.self, from: Data(line)) {
                events.append(event)
            } else {
                ignored += 1
            }
        }
        return (events, ignored)
    }
}
