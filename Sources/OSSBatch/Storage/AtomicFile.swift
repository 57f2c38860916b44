import Foundation
import LocalFiles

#if canImport(Glibc)
import Glibc
#endif

/// Whole-file writes that a crash cannot tear: the bytes go to a temporary file in the same directory,
/// which is fsync'ed and renamed over the target, then the directory is fsync'ed so the rename is durable.
/// A reader sees the old file or the new one, never a mix.
enum AtomicFile {
    static func write(_ bytes: [UInt8], to path: String, mode: mode_t = 0o600) throws(StateFileError) {
        try write(to: path, mode: mode) { (out: ChunkWriter) throws(StateFileError) in try out.append(bytes) }
    }

    /// Like `write(_:to:)`, with the content produced piece by piece into a buffered writer, so a large file
    /// (the report of 100,000 jobs) never needs to exist whole in memory.
    static func write(
        to path: String,
        mode: mode_t = 0o600,
        _ produce: (ChunkWriter) throws(StateFileError) -> Void
    ) throws(StateFileError) {
        let dir = (path as NSString).deletingLastPathComponent
        let temp = temporaryPath(for: path)
        let fd = open(temp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)
        guard fd >= 0 else { throw StateFileError(path: path, operation: "create", errno: errno) }
        // Exactly `mode`, whatever the umask: a metrics file (0644) must stay readable by its collector.
        fchmod(fd, mode)
        let writer = ChunkWriter(fd: fd, path: path)
        do throws(StateFileError) {
            try produce(writer)
            try writer.finish()
            guard fsync(fd) == 0 else { throw StateFileError(path: path, operation: "fsync", errno: errno) }
        } catch {
            writer.abandon()
            close(fd)
            unlink(temp)
            throw error
        }
        // Out of the `do`: a failed close has released the descriptor all the same, and closing it again
        // could close one another thread has just opened.
        guard close(fd) == 0 else {
            let code = errno
            unlink(temp)
            throw StateFileError(path: path, operation: "close", errno: code)
        }
        guard rename(temp, path) == 0 else {
            let code = errno
            unlink(temp)
            throw StateFileError(path: path, operation: "rename into place", errno: code)
        }
        syncDirectory(dir.isEmpty ? "." : dir)
    }

    /// A new name for a temporary file of `path`, beside it: `.NAME.tmp-PID-N`, what `removeLeftovers(of:)`
    /// takes once its process is gone.
    static func temporaryPath(for path: String) -> String {
        let dir = (path as NSString).deletingLastPathComponent
        let name = (path as NSString).lastPathComponent
        return (dir.isEmpty ? "." : dir) + "/.\(name).tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
    }

    /// How old a temporary file of a write that died must be before `removeLeftovers` takes it: a live write
    /// holds one for well under a second, unless its disk hangs.
    static let leftoverAge: TimeInterval = 3600

    /// Removes what writes of `path` that died left beside it (`.NAME.tmp-PID-N`, a kill -9 between create
    /// and rename): a report's is as large as the report, and a nightly run killed now and then filled the
    /// disk with them over months. Only files at least `leftoverAge` old whose process is not alive here, so
    /// no write in progress (of another process sharing the directory) is touched. Best effort.
    static func removeLeftovers(of path: String, now: Date = Date()) {
        let dir = (path as NSString).deletingLastPathComponent
        let prefix = ".\((path as NSString).lastPathComponent).tmp-"
        removeLeftovers(inDirectory: dir, now: now) { $0.hasPrefix(prefix) ? $0.dropFirst(prefix.count) : nil }
    }

    /// Removes what writes of any file of `dir` that died left there (`.NAME.tmp-PID-N`), on the same terms
    /// as `removeLeftovers(of:)`: a nightly report gets a new name each night, so a write of one killed before
    /// its rename left a temporary file as large as the report that no later write of that name would meet
    /// (review of e4ab55a).
    static func removeLeftovers(inDirectory dir: String, now: Date = Date()) {
        removeLeftovers(inDirectory: dir, now: now) { name in
            guard name.hasPrefix("."), let marker = name.range(of: ".tmp-", options: .backwards) else { return nil }
            return name[marker.upperBound...]
        }
    }

    /// Removes the files of `dir` for which `pidAndNumber` gives the `PID-N` their name ends with, written by a
    /// process not alive here, at least `leftoverAge` ago.
    private static func removeLeftovers(
        inDirectory dir: String,
        now: Date,
        _ pidAndNumber: (String) -> Substring?
    ) {
        let dir = dir.isEmpty ? "." : dir
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: dir) else { return }
        let oldest = Int64((now.timeIntervalSince1970 - leftoverAge) * 1e9)
        for name in names {
            guard let rest = pidAndNumber(name) else { continue }
            let parts = rest.split(separator: "-", omittingEmptySubsequences: false)
            guard parts.count == 2, UInt32(parts[1]) != nil, let pid = pid_t(parts[0]), pid > 0,
                kill(pid, 0) == -1, errno == ESRCH
            else { continue }
            let leftover = dir + "/" + name
            guard let status = try? FileStatus.lstat(leftover), status.kind == .regular,
                status.mtimeNanoseconds < oldest
            else { continue }
            unlink(leftover)
        }
    }

    /// Writes every byte.
    static func writeAll<Bytes: Sequence>(_ fd: Int32, _ bytes: Bytes, path: String) throws(StateFileError)
    where Bytes.Element == UInt8 {
        let failure = FileDescriptorWriter.writeAll(fd, bytes)
        guard failure == 0 else { throw StateFileError(path: path, operation: "write", errno: failure) }
    }

    static func syncDirectory(_ dir: String) {
        let fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if fd >= 0 {
            fsync(fd)
            close(fd)
        }
    }

    /// The whole file, or `nil` if it does not exist: a regular file of at most `maximumSize` bytes, never
    /// read through a symbolic link.
    static func read(_ path: String, maximumSize: Int64) throws(StateFileError) -> [UInt8]? {
        do {
            return try StateFile.readAll(path, maximumSize: maximumSize)
        } catch {
            throw StateFileError(path: path, operation: "read", reason: error.reason)
        }
    }

    /// Creates `dir` and its parents with mode 0700, checks it is fit for state files (not a symbolic link,
    /// this user's, writable by nobody else: others could plant or swap checkpoints there), and proves it
    /// writable by creating and removing a file — a new one (`O_EXCL`), never through a link.
    static func prepareDirectory(_ dir: String) throws(StateFileError) {
        try StateDirectory.prepare(dir, use: "use the checkpoint directory")
        let probe = dir + "/.ossbatch-write-probe-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let fd: Int32
        do { fd = try StateFile.createExclusive(probe) } catch {
            throw StateFileError(path: dir, operation: "write to", reason: error.reason)
        }
        close(fd)
        unlink(probe)
    }
}
