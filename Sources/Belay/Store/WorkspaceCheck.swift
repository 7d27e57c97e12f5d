import BelaySupport
import Foundation

/// The checks before Belay reads or writes state in a workspace: the folder is not one Belay must
/// never work in, and its `.belay` (when present) is a real folder owned by the user.
enum WorkspaceCheck {
    static func check(_ workspace: URL) throws(EngineError) {
        if let refusal = WorkspaceFolder.refusal(for: workspace.path) {
            throw EngineError(.workspace, .unsafeWorkspace(path: workspace.path, refusal))
        }
        let belay = RunFolder.belayDirectory(workspace).path
        var info = stat()
        guard lstat(belay, &info) == 0 else { return }  // not there yet: Belay creates it as a folder
        switch info.st_mode & S_IFMT {
        case S_IFLNK: throw EngineError(.workspace, .unsafeStateFolder(path: belay, .symlink))
        case S_IFDIR: break
        default: throw EngineError(.workspace, .unsafeStateFolder(path: belay, .notFolder))
        }
        if info.st_uid != geteuid() {
            throw EngineError(.workspace, .unsafeStateFolder(path: belay, .notOwned(owner: info.st_uid, user: geteuid())))
        }
    }
}
