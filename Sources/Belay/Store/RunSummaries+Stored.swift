import Foundation

extension RunSummaries.Summary {
    /// Reads a stored summary by hand: with `JSONDecoder`, decoding a thousand of them was half of
    /// listing a thousand runs. Nil for anything it does not fully understand (a summary written by
    /// another version, a damaged file): the caller then asks `JSONDecoder`, or folds the journal.
    init?(stored data: Data) {
        guard !data.isEmpty else { return nil }
        let read: Self? = data.withUnsafeBytes { raw in
            var json = JSONBytes(raw.bindMemory(to: UInt8.self))
            var journalBytes: Int64?, status: RunState.Status?, events: Int64?
            var summary = Self(journalBytes: 0, status: .running)
            let readAll = json.object { json, key in
                if json.null() { return true }
                switch String(decoding: key, as: UTF8.self) {
                case CodingKeys.journalBytes.stringValue: return Self.store(json.integer(), &journalBytes)
                case CodingKeys.status.stringValue: return Self.store(json.string().flatMap(RunState.Status.init(rawValue:)), &status)
                case CodingKeys.events.stringValue: return Self.store(json.integer(), &events)
                case CodingKeys.durationMs.stringValue: return Self.store(json.integer(), &summary.durationMs)
                case CodingKeys.playbook.stringValue: return Self.store(json.string(), &summary.playbook)
                case CodingKeys.environment.stringValue: return Self.store(json.string(), &summary.environment)
                case CodingKeys.startedTime.stringValue: return Self.store(json.string(), &summary.startedTime)
                case CodingKeys.updatedTime.stringValue: return Self.store(json.string(), &summary.updatedTime)
                case CodingKeys.startedBy.stringValue: return Self.store(json.string(), &summary.startedBy)
                case CodingKeys.approvedBy.stringValue:
                    guard let names = json.stringList() else { return false }
                    summary.approvedBy = names
                case CodingKeys.shownVars.stringValue:
                    guard let pairs = json.list({ $0.stringList() }) else { return false }
                    summary.shownVars = pairs
                default: return false
                }
                return true
            }
            guard readAll, json.atEnd, let journalBytes, let status, let events, let count = Int(exactly: events) else { return nil }
            summary.journalBytes = journalBytes
            summary.status = status
            summary.events = count
            return summary
        }
        guard let read else { return nil }
        self = read
    }

    /// Keeps what a member's reader gave; false when it gave nothing (the value did not read).
    private static func store<Value>(_ value: Value?, _ target: inout Value?) -> Bool {
        guard let value else { return false }
        target = value
        return true
    }

    private init(journalBytes: Int64, status: RunState.Status) {
        self.journalBytes = journalBytes
        self.status = status
        shownVars = []
        approvedBy = []
        events = 0
    }
}
