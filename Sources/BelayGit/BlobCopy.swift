import CGit2
#if canImport(Glibc)
import Glibc
#endif

extension Repository {
    /// Writes the content of the blob `id` to `fd` through a fixed buffer, inflating it as it goes, so
    /// restoring a file of any size costs the same memory. An object store that cannot stream (a
    /// packed object) hands the content over whole, held once.
    func copyBlob(_ id: git_oid, to fd: Int32, path: String) throws {
        var odb: OpaquePointer?
        try check(git_repository_odb(&odb, handle), "opening the object database")
        defer { git_odb_free(odb) }
        var oid = id
        var stream: UnsafeMutablePointer<git_odb_stream>?
        var length = 0
        var type = GIT_OBJECT_BLOB
        guard git_odb_open_rstream(&stream, &length, &type, odb, &oid) == 0 else {
            git_error_clear()
            var object: OpaquePointer?
            try check(git_odb_read(&object, odb, &oid), "restoring \(path): reading its content")
            defer { git_odb_object_free(object) }
            let bytes = UnsafeRawBufferPointer(start: git_odb_object_data(object), count: git_odb_object_size(object))
            try writeAll(bytes, to: fd, path: path)
            return
        }
        defer { git_odb_stream_free(stream) }
        var chunk = [UInt8](repeating: 0, count: 1 << 20)
        var remaining = length
        while remaining > 0 {
            let count = chunk.withUnsafeMutableBytes {
                git_odb_stream_read(stream, $0.baseAddress!.assumingMemoryBound(to: CChar.self), $0.count)
            }
            if count < 0 { try check(count, "restoring \(path): reading its content") }
            if count == 0 {
                throw GitError(.io, operation: "restoring \(path)", reason: "its stored content ended early")
            }
            try chunk.withUnsafeBytes { try writeAll(UnsafeRawBufferPointer(rebasing: $0[..<Int(count)]), to: fd, path: path) }
            remaining -= Int(count)
        }
    }

    private func writeAll(_ bytes: UnsafeRawBufferPointer, to fd: Int32, path: String) throws {
        var written = 0
        while written < bytes.count {
            let count = Glibc.write(fd, bytes.baseAddress! + written, bytes.count - written)
            if count < 0 {
                if errno == EINTR { continue }
                throw GitError.fromErrno(errno, operation: "restoring \(path)")
            }
            written += count
        }
    }
}
