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
    /// Whether the file is empty on disk, not only in this process's view: this open created it, or this log
    /// emptied it and synced that. (Empty in `fstat` may be another process's truncation that a crash can undo,
    /// bringing back lines older than the report.)
    private var emptyOnDisk: Bool

    /// Opens (creating) the log at `path`: never through a symbolic link (a link planted there fails the
    /// open, so its target is never truncated), only a regular file, mode 0600 also when it existed.
    init(path: String) throws(StateFileError) {
        self.path = path
        do { (fd, emptyOnDisk) = try StateFile.openForAppending(path) } catch {
            throw StateFileError(path: path, operation: "open", reason: error.reason)
        }
    }

    deinit { if fd >= 0 { close(fd) } }

    /// Appends `line` and its newline. `needsSync: false` for a line that need not be made durable on its own
    /// (`sync` does nothing for it): the next line that does is synced with it, the same file.
    func append(line: [UInt8], needsSync: Bool = true) throws(StateFileError) {
        var bytes = line
        bytes.append(UInt8(ascii: "\n"))
        lock.lock()
        defer { lock.unlock() }
        try AtomicFile.writeAll(fd, bytes, path: path)
        emptyOnDisk = false
        if needsSync { dirty = true }
    }

    func sync() throws(StateFileError) {
        lock.lock()
        defer { lock.unlock() }
        guard dirty else { return }
        guard fsync(fd) == 0 else { throw StateFileError(path: path, operation: "fsync", errno: errno) }
        dirty = false
    }

    /// Empties the log (after its lines were folded into a durable report). A log known to be empty on disk (one
    /// this open created, as at the start of a run that kept last night's report aside) is left as it is: its
    /// `fsync` made durable nothing of its own, and waited for whatever else the file system's journal held —
    /// on a night that replaces a report kept from two nights ago, the 14 ms unlink of that 50 MB file (strace,
    /// 2026-12-06).
    func truncate() throws(StateFileError) {
        lock.lock()
        defer { lock.unlock() }
        guard !emptyOnDisk else { return }
        guard ftruncate(fd, 0) == 0 else { throw StateFileError(path: path, operation: "truncate", errno: errno) }
        guard fsync(fd) == 0 else { throw StateFileError(path: path, operation: "fsync", errno: errno) }
        dirty = false
        emptyOnDisk = true
    }
}
