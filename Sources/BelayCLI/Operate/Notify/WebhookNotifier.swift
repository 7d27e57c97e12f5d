import Belay
import BelaySupport
import Foundation
import Synchronization
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Posts run notices to webhooks beside the run, never in its way: `post` only queues (the engine's
/// observer returns at once), each webhook gets its notices in order from its own task, a failed
/// delivery is retried with backoff, and one that still fails is reported back as a warning rather
/// than failing anything.
final class WebhookNotifier: Sendable {
    /// Tries per notice, and the waits between them.
    static let backoff: [Duration] = [.milliseconds(500), .seconds(1), .seconds(2)]
    /// How long one POST may take.
    static let requestTimeout: TimeInterval = 5

    private struct Queue {
        var pending: [RunNotice] = []
        var busy = false
    }

    let urls: [URL]
    private let queues: Mutex<[Queue]>
    private let failures = Mutex<[String]>([])
    private let session: URLSession

    init(urls: [URL]) {
        self.urls = urls
        self.queues = Mutex(urls.map { _ in Queue() })
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = Self.requestTimeout
        configuration.timeoutIntervalForResource = Self.requestTimeout
        self.session = URLSession(configuration: configuration)
    }

    /// Queues `notice` for every webhook and returns at once.
    func post(_ notice: RunNotice) {
        for index in urls.indices {
            let start = queues.withLock { queues -> Bool in
                queues[index].pending.append(notice)
                if queues[index].busy { return false }
                queues[index].busy = true
                return true
            }
            if start { Task { await self.drain(index) } }
        }
    }

    /// Waits for the queued notices, at most `limit`; returns what could not be delivered (those
    /// still queued at the limit included).
    func finish(within limit: Duration) async -> [String] {
        let deadline = ContinuousClock.now + limit
        while ContinuousClock.now < deadline, queues.withLock({ $0.contains(where: \.busy) }) {
            try? await Task.sleep(for: .milliseconds(20))
        }
        var result = failures.withLock { $0 }
        let left = queues.withLock { queues in
            defer { for index in queues.indices { queues[index].pending = [] } }
            return queues.map(\.pending)
        }
        for (index, notices) in left.enumerated() {
            for notice in notices {
                result.append("the \(notice.kind) notification was not sent to \(Self.redacted(urls[index])): the run ended "
                    + "before the webhook answered")
            }
        }
        return result
    }

    private func drain(_ index: Int) async {
        while let notice = queues.withLock({ queues -> RunNotice? in
            guard let first = queues[index].pending.first else {
                queues[index].busy = false
                return nil
            }
            return first
        }) {
            if let problem = await deliver(notice, to: urls[index]) {
                failures.withLock { $0.append(problem) }
            }
            queues.withLock { queues in if !queues[index].pending.isEmpty { queues[index].pending.removeFirst() } }
        }
    }

    /// One notice to one webhook, retried; nil when delivered, else why not.
    private func deliver(_ notice: RunNotice, to url: URL) async -> String? {
        var request = URLRequest(url: url)
        request.httpMethod = "POST"
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.setValue("belay/\(BelayVersion.current)", forHTTPHeaderField: "User-Agent")
        request.httpBody = Data(notice.payload.rendered().utf8)
        var last = ""
        for attempt in 0...Self.backoff.count {
            if attempt > 0 { try? await Task.sleep(for: Self.backoff[attempt - 1]) }
            do {
                let (_, response) = try await session.data(for: request)
                let status = (response as? HTTPURLResponse)?.statusCode ?? 0
                if (200..<300).contains(status) { return nil }
                last = "HTTP \(status)"
            } catch {
                last = error.localizedDescription
            }
        }
        return "the \(notice.kind) notification was not delivered to \(Self.redacted(url)) after "
            + "\(Self.backoff.count + 1) tries: \(last)"
    }

    /// A webhook URL without its path and query, which often carry its secret token.
    static func redacted(_ url: URL) -> String {
        "\(url.scheme ?? "http")://\(url.host ?? "?")\(url.port.map { ":\($0)" } ?? "")/…"
    }
}
