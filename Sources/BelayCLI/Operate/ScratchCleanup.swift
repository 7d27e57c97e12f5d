import Dispatch
import Foundation

/// While alive, SIGINT and SIGTERM remove a rehearsal's scratch folder, then end `belay` with the
/// shell's status for that signal (130 or 143), so no `belay-rehearsal-*` folder is left behind.
final class ScratchCleanup: @unchecked Sendable {
    // Only touched in init and deinit.
    private var sources: [any DispatchSourceSignal] = []

    init(root: URL, keep: Bool) {
        for number in [SIGINT, SIGTERM] {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler {
                if !keep { try? FileManager.default.removeItem(at: root) }
                FileHandle.standardError.write(Data("\nbelay: rehearsal interrupted; scratch copy removed\n".utf8))
                exit(128 + number)
            }
            source.resume()
            sources.append(source)
        }
    }

    deinit {
        for source in sources { source.cancel() }
        signal(SIGINT, SIG_DFL)
        signal(SIGTERM, SIG_DFL)
    }
}
