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
    /// The file's length after this process's last whole line: a write that fails part-way (a full disk, a
    /// quota) is cut back to it, so the next line is not glued onto the fragment and lost with it.
    private var length: Int64
    /// Whether the file ends inside a line (a fragment a crash left, or one a failed write could not cut):
    /// the next line starts on a line of its own.
    private var endsTorn = false

    /// Opens (creating) the log at `path`: never through a symbolic link (a link planted there fails the
    /// open, so its target is never truncated), only a regular file, mode 0600 also when it existed.
    init(path: String) throws(StateFileError) {
        self.path = path
        do { (fd, emptyOnDisk) = try StateFile.openForAppending(path) } catch {
            throw StateFileError(path: path, operation: "open", reason: error.reason)
        }
        length = 0
        if !emptyOnDisk { settleEnd() }
    }

    deinit { if fd >= 0 { close(fd) } }

    /// Appends `line` and its newline. `needsSync: false` for a line that need not be made durable on its own
    /// (`sync` does nothing for it): the next line that does is synced with it, the same file.
    func append(line: [UInt8], needsSync: Bool = true) throws(StateFileError) {
        lock.lock()
        defer { lock.unlock() }
        var bytes: [UInt8] = endsTorn ? [UInt8(ascii: "\n")] : []
        bytes.reserveCapacity(line.count + 2)
        bytes += line
        bytes.append(UInt8(ascii: "\n"))
        do {
            try AtomicFile.writeAll(fd, bytes, path: path)
        } catch {
            // Some of the line may be on disk: cut it off, else say the file ends inside a line.
            if ftruncate(fd, off_t(length)) != 0 { settleEnd() }
            throw error
        }
        length += Int64(bytes.count)
        endsTorn = false
        emptyOnDisk = false
        if needsSync { dirty = true }
    }

    /// Learns the file's length and whether its last byte ends a line.
    private func settleEnd() {
        length = Int64(max(0, lseek(fd, 0, SEEK_END)))
        var last: UInt8 = 0
        endsTorn = length > 0 && pread(fd, &last, 1, off_t(length - 1)) == 1 && last != UInt8(ascii: "\n")
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
        (length, endsTorn) = (0, false)
        guard fsync(fd) == 0 else { throw StateFileError(path: path, operation: "fsync", errno: errno) }
        dirty = false
        emptyOnDisk = true
    }
}
