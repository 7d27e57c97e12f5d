import Foundation

/// The server's own lines on standard output, flushed at once (a pipe or a file buffers otherwise).
enum ServeLog {
    static func say(_ line: String) {
        FileHandle.standardOutput.write(Data((line + "\n").utf8))
    }

    static func fail(_ line: String) -> Never {
        FileHandle.standardError.write(Data(("belay serve: " + line + "\n").utf8))
        exit(2)
    }
}
