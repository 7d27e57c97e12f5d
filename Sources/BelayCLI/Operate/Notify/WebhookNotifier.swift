import AsyncHTTPClient
import Belay
import BelaySupport
import Foundation
import NIOCore
import Synchronization

/// Posts run notices to webhooks beside the run, never in its way: `post` only queues (the engine's
/// observer returns at once), each webhook gets its notices in order from its own task, a failed
/// delivery is retried with backoff, and one that still fails is reported back as a warning rather
/// than failing anything.
final class WebhookNotifier: Sendable {
    /// Tries per notice, and the waits between them.
    static let backoff: [Duration] = [.milliseconds(500), .seconds(1), .seconds(2)]
    /// How long one POST may take.
    static let requestTimeout = TimeAmount.seconds(5)
    /// The most of a webhook's answer that is read (and dropped): only its status matters.
    static let answerLimit = 64 * 1024
    /// One client for the process, never shut down (it lives as long as the process). A refused
    /// connection fails the try at once, so the backoff above, not the client, paces the retries.
    private static let client: HTTPClient = {
        var configuration = HTTPClient.Configuration(
            redirectConfiguration: .follow(max: 5, allowCycles: false),
            timeout: .init(connect: requestTimeout, read: requestTimeout))
        configuration.connectionPool.retryConnectionEstablishment = false
        return HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
    }()

    private struct Queue {
        var pending: [RunNotice] = []
        var busy = false
    }

    let urls: [URL]
    private let queues: Mutex<[Queue]>
    private let failures = Mutex<[String]>([])

    init(urls: [URL]) {
        self.urls = urls
        self.queues = Mutex(urls.map { _ in Queue() })
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
        var request = HTTPClientRequest(url: url.absoluteString)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "User-Agent", value: "belay/\(BelayVersion.current)")
        let body = ByteBuffer(string: notice.payload.rendered())
        var last = ""
        for attempt in 0...Self.backoff.count {
            if attempt > 0 { try? await Task.sleep(for: Self.backoff[attempt - 1]) }
            request.body = .bytes(body)
            do {
                let response = try await Self.client.execute(request, timeout: Self.requestTimeout)
                _ = try? await response.body.collect(upTo: Self.answerLimit)
                if (200..<300).contains(response.status.code) { return nil }
                last = "HTTP \(response.status.code)"
            } catch {
                last = Self.describe(error)
            }
        }
        return "the \(notice.kind) notification was not delivered to \(Self.redacted(url)) after "
            + "\(Self.backoff.count + 1) tries: \(last)"
    }

    /// Why a try failed, in words: the system's for a socket error, a short phrase for a timeout.
    static func describe(_ error: any Error) -> String {
        if let error = error as? IOError { return String(cString: strerror(error.errnoCode)) }
        if let error = error as? HTTPClientError {
            switch error {
            case .connectTimeout: return "no connection within \(requestTimeout.nanoseconds / 1_000_000_000)s"
            case .readTimeout, .deadlineExceeded: return "no answer within \(requestTimeout.nanoseconds / 1_000_000_000)s"
            default: return "\(error)"
            }
        }
        return "\(error)"
    }

    /// A webhook URL without its path and query, which often carry its secret token.
    static func redacted(_ url: URL) -> String {
        "\(url.scheme ?? "http")://\(url.host ?? "?")\(url.port.map { ":\($0)" } ?? "")/…"
    }
}
