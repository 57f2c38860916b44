import Foundation
import LocalFiles

#if canImport(Glibc)
import Glibc
#endif

/// An append-only file of lines (the report's journal). Each `append` is one `write(2)` of a whole line with
/// `O_APPEND`, so a process killed at any instant leaves whole lines plus at most one torn last line, which
/// readers skip. `sync` makes what was appended durable; callers coalesce it.
final class AppendLog: @unchecked Sendable {
    // `fd` is only used under `lock`.
    private let lock = NSLock()
    private var fd: Int32
    let path: String
    private var dirty = false

    /// Opens (creating) the log at `path`: never through a symbolic link (a link planted there fails the
    /// open, so its target is never truncated), only a regular file, mode 0600 also when it existed.
    init(path: String) throws(StateFileError) {
        self.path = path
        do { fd = try StateFile.openForAppending(path) } catch {
            throw StateFileError(path: path, operation: "open", reason: error.reason)
        }
    }

    deinit { if fd >= 0 { close(fd) } }

    func append(line: [UInt8]) throws(StateFileError) {
        var bytes = line
        bytes.append(UInt8(ascii: "\n"))
        lock.lock()
        defer { lock.unlock() }
        try AtomicFile.writeAll(fd, bytes, path: path)
        dirty = true
    }

    func sync() throws(StateFileError) {
        lock.lock()
        defer { lock.unlock() }
        guard dirty else { return }
        guard fsync(fd) == 0 else { throw StateFileError(path: path, operation: "fsync", errno: errno) }
        dirty = false
    }

    /// Empties the log (after its lines were folded into a durable report).
    func truncate() throws(StateFileError) {
        lock.lock()
        defer { lock.unlock() }
        guard ftruncate(fd, 0) == 0 else { throw StateFileError(path: path, operation: "truncate", errno: errno) }
        fsync(fd)
        dirty = false
    }
}
