import Belay
import Foundation
import Hummingbird

/// A run's journal events as Server-Sent Events, live: the events so far (after `Last-Event-ID` or
/// `?after=`), then each one as it is journaled, read back from the journal as `log --follow` does.
/// Each message's `id` is the event's `seq` and its `data` the event's JSON line. The stream ends
/// with an `end` event once the run has finished and no process carries it on; a waiting or paused
/// run keeps it open, with a comment every few seconds so a gone client is noticed.
enum EventStream {
    static let poll: Duration = .milliseconds(150)
    static let keepAlive: TimeInterval = 5

    static func response(run: String, workspace: ServedWorkspace, after: Int) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "text/event-stream"
        headers[.cacheControl] = "no-store"
        let journal = RunFolder(workspace: workspace.url, runID: run).journal
        let body = ResponseBody { writer in
            var sent = after
            var seen: JournalCache.Stamp?
            var lastWrite = Date()
            try await writer.write(ByteBuffer(string: "retry: 1000\n\n"))
            while true {
                // Asked before reading: a run that lets go of its lock has journaled its last event.
                let carried = RunReads.holder(run: run, workspace: workspace.url) != nil
                let stamp = JournalCache.stamp(journal.path)
                var finished = false
                if stamp != seen {
                    seen = stamp
                    let contents: JournalCache.Entry
                    do { contents = try JournalCache.shared.read(run, in: workspace) } catch {
                        try await writer.write(ByteBuffer(string: "event: error\ndata: \(Self.oneLine("\(error)"))\n\n"))
                        break
                    }
                    var chunk = ""
                    for event in contents.events where event.seq > sent {
                        chunk += "id: \(event.seq)\ndata: \(event.jsonText.rendered())\n\n"
                        sent = event.seq
                    }
                    if !chunk.isEmpty {
                        try await writer.write(ByteBuffer(string: chunk))
                        lastWrite = Date()
                    }
                    finished = contents.state.isFinished
                } else if !carried {
                    finished = (try? JournalCache.shared.read(run, in: workspace).state.isFinished) ?? false
                }
                if finished && !carried {
                    try await writer.write(ByteBuffer(string: "event: end\ndata: {\"last_seq\":\(sent)}\n\n"))
                    break
                }
                if Date().timeIntervalSince(lastWrite) >= keepAlive {
                    try await writer.write(ByteBuffer(string: ": still here\n\n"))
                    lastWrite = Date()
                }
                try await Task.sleep(for: poll)
            }
            try await writer.finish(nil)
        }
        return Response(status: .ok, headers: headers, body: body)
    }

    private static func oneLine(_ text: String) -> String { text.replacingOccurrences(of: "\n", with: " ") }
}
