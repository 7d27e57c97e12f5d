import Belay
import Foundation

/// Asks on the terminal: `Promote 1.4.2? [y/N]` on stderr, one line read from stdin. Only `y`/`yes`
/// approves; an empty line or anything else rejects. Returns `nil` at the deadline or end of input.
struct TerminalApprovalPrompt: ApprovalPrompt {
    /// Recorded as the approver (default: `$USER`).
    var user: String

    init(user: String? = nil) {
        self.user = user ?? ApprovalIdentity.currentUser
    }

    func ask(_ request: ApprovalRequest) async -> ApprovalAnswer? {
        var question = "\n  ? \(shown(request.message)) [y/N]"
        if let deadline = request.deadline {
            question += " (until \(JournalClock.format(deadline)), then on_timeout applies)"
        }
        Terminal.write(question + " ", to: .standardError)
        let deadline = request.deadline
        let line: String? = await withCheckedContinuation { continuation in
            Thread.detachNewThread { continuation.resume(returning: TerminalApprovalPrompt.readLine(until: deadline)) }
        }
        guard let line else {
            Terminal.write("\n", to: .standardError)
            return nil
        }
        let answer = line.trimmingCharacters(in: .whitespaces).lowercased()
        return ApprovalAnswer(approved: answer == "y" || answer == "yes", by: user, note: "answered at the terminal")
    }

    /// One line from stdin, or nil at the deadline or end of input.
    static func readLine(until deadline: Date?) -> String? {
        var bytes: [UInt8] = []
        while true {
            var waitMs: Int32 = -1
            if let deadline {
                let left = deadline.timeIntervalSinceNow
                if left <= 0 { return nil }
                waitMs = Int32(min(left * 1000, 60_000))
            }
            var pollFD = pollfd(fd: 0, events: Int16(POLLIN), revents: 0)
            let ready = poll(&pollFD, 1, waitMs)
            if ready < 0, errno == EINTR { continue }
            if ready <= 0 { if ready < 0 { return nil } else { continue } }
            var byte: UInt8 = 0
            let count = read(0, &byte, 1)
            if count <= 0 { return bytes.isEmpty ? nil : String(decoding: bytes, as: UTF8.self) }
            if byte == 0x0A { return String(decoding: bytes, as: UTF8.self) }
            bytes.append(byte)
        }
    }
}
