import BelaySupport
import Foundation

/// One checkpoint commit of a run: the workspace as it was at an event, with Belay's trailers.
public struct Checkpoint: Sendable, Hashable {
    /// The run id (`Belay-Run`).
    public let run: String
    /// What happened, e.g. "start", "phase_completed", "compensated", "rollback" (`Belay-Event`).
    public let event: String
    /// The phase id, or "start" (`Belay-Phase`).
    public let phase: String
    public let commit: ObjectID
    /// The snapshot of the workspace.
    public let tree: ObjectID
    /// Commit time (whole seconds).
    public let time: Date
    /// The full commit message.
    public let message: String
    /// Every trailer of the message; for a repeated key the last value wins.
    public let trailers: [String: String]

    public init(
        run: String, event: String, phase: String, commit: ObjectID, tree: ObjectID, time: Date, message: String,
        trailers: [String: String]
    ) {
        self.run = run
        self.event = event
        self.phase = phase
        self.commit = commit
        self.tree = tree
        self.time = time
        self.message = message
        self.trailers = trailers
    }
}

extension Checkpoint {
    static let runTrailer = "Belay-Run"
    static let phaseTrailer = "Belay-Phase"
    static let eventTrailer = "Belay-Event"

    /// Reads a checkpoint back from its commit; the subject line stands in for missing trailers.
    init(_ commit: CommitInfo) {
        var trailers: [String: String] = [:]
        for trailer in commit.trailers { trailers[trailer.key] = trailer.value }
        let subject = commit.message.prefix { $0 != "\n" }.split(separator: " ").map(String.init)
        let fromSubject = subject.first == "belay:" && subject.count >= 4 ? Array(subject[1...3]) : ["", "", ""]
        self.init(
            run: trailers[Self.runTrailer] ?? fromSubject[0],
            event: trailers[Self.eventTrailer] ?? fromSubject[1],
            phase: trailers[Self.phaseTrailer] ?? fromSubject[2],
            commit: commit.id, tree: commit.tree, time: commit.time, message: commit.message, trailers: trailers)
    }

    /// The commit message format (contract): subject, optional summary, then Belay's trailers and `details`.
    static func message(
        run: String, event: String, phase: String, summary: String?, details: [(String, String)]
    ) -> String {
        var message = "belay: \(run) \(event) \(phase)\n\n"
        if let summary = summary?.trimmingCharacters(in: .whitespacesAndNewlines), !summary.isEmpty {
            // Lines stay lines; control characters inside them (from users' notes) are escaped.
            message += summary.split(separator: "\n", omittingEmptySubsequences: false)
                .map { PrintableText.escaped($0) }.joined(separator: "\n") + "\n\n"
        }
        message += "\(runTrailer): \(run)\n\(phaseTrailer): \(phase)\n\(eventTrailer): \(event)\n"
        for (key, value) in details {
            message += "\(key): \(oneLine(value))\n"
        }
        return message
    }

    /// Trailer values are one line: a newline would end the trailer block, so it is escaped, as is
    /// every other control character.
    private static func oneLine(_ value: String) -> String {
        PrintableText.escaped(value.trimmingCharacters(in: .whitespaces))
    }
}
