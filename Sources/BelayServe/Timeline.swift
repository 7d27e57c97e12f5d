import Belay
import Foundation

/// The spans a run's timeline draws, from its journal: each step's run (first start to outcome),
/// each compensation, each approval wait. A span still open ends at `nil` (now).
enum Timeline {
    enum Kind: String, Sendable { case step, compensation, approval }

    struct Span: Sendable {
        var key: RunState.StepKey
        var kind: Kind
        var start: String
        var end: String?
        var outcome: String
    }

    static func spans(_ events: [JournalEvent]) -> [Span] {
        var spans: [Span] = []
        var open: [String: Int] = [:]
        func id(_ key: RunState.StepKey, _ kind: Kind) -> String { "\(kind.rawValue) \(key)" }
        for event in events {
            guard let phase = event.phase, let step = event.step else { continue }
            let key = RunState.StepKey(phase: phase, step: step)
            let begun: Kind? = switch event.event {
            case .stepStarted: .step
            case .compensationStarted: .compensation
            case .approvalRequested: .approval
            default: nil
            }
            if let kind = begun {
                if open[id(key, kind)] == nil {
                    open[id(key, kind)] = spans.count
                    spans.append(Span(key: key, kind: kind, start: event.time, end: nil, outcome: "running"))
                }
                continue
            }
            let ended: (Kind, String)? = switch event.event {
            case .stepSucceeded: (.step, "succeeded")
            case .stepFailed: (.step, "failed")
            case .stepWarning: (.step, "warning")
            case .stepInterrupted: (.step, "interrupted")
            case .compensationSucceeded: (.compensation, "compensated")
            case .compensationFailed: (.compensation, "failed")
            case .compensationSkipped: (.compensation, "skipped")
            case .approvalRecorded: (.approval, event.decision?.rawValue ?? "decided")
            default: nil
            }
            if let ended, let index = open.removeValue(forKey: id(key, ended.0)) {
                spans[index].end = event.time
                spans[index].outcome = ended.1
            }
        }
        return spans
    }
}
