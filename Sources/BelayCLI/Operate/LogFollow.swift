import Belay
import Foundation

/// `belay log <run> --follow`: the story so far, then each event as it is journaled, until no live
/// process carries the run on (it ended, paused, waits for approval, or its process died).
enum LogFollow {
    static func follow(runID: String, workspace: URL, json: Bool, poll: Duration = .milliseconds(200)) async throws {
        var printed = 0
        var day = StoryDay()
        var first = true
        while true {
            // Asked before reading: a run that lets go of its lock has journaled its last event.
            let alive = LiveRun.holder(run: runID, workspace: workspace) != nil
            let history: RunHistory
            do { history = try RunHistory(workspace: workspace, runID: runID) } catch { throw OperateExit.fail(error) }
            let story = RunStory(history: history)
            let fresh = story.lines().filter { $0.seq > printed }
            printed = history.events.last?.seq ?? printed
            if json {
                for line in fresh { Terminal.print(story.json(line).rendered()) }
            } else {
                let text = (first ? story.header() : "") + story.timeline(fresh, day: &day) + (alive ? "" : story.footer())
                if !text.isEmpty { Terminal.write(text, to: .standardOutput) }
            }
            first = false
            if !alive { return }
            try? await Task.sleep(for: poll)
        }
    }
}
