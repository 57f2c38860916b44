import Glibc

/// A lock file: opened without following a symbolic link, kept at mode 0600, and locked with locks the
/// kernel releases when the process dies (so `kill -9` never leaves a stale lock behind).
///
/// Two kinds of lock, on one open file:
/// - the **whole file**, an open-file-description lock (`F_OFD_SETLK`): owned by this descriptor, so two
///   descriptors conflict even inside one process; used for one holder per file (a report, a batch);
/// - **records** of one byte at an offset, process-associated locks (`F_SETLK`): many per file, and
///   `F_GETLK` names the process that holds one. The kernel drops every record lock a process holds on a file
///   when the process closes *any* descriptor of it, so a file used for records must be opened once per
///   process and kept open (`KeyLocks` does).
public final class FileLock: @unchecked Sendable {
    public let path: String
    // Immutable after init; fcntl, pread and pwrite on it are thread-safe.
    private let fd: Int32

    /// Opens (creating, mode 0600) the lock file at `path`. Refuses a symbolic link (`ELOOP`) and anything
    /// but a regular file; an existing file's mode is set back to 0600.
    public init(path: String) throws(FileSystemError) {
        self.path = path
        fd = try Self.open(path, flags: O_RDWR | O_CREAT, operation: "open the lock file")
        do {
            try StateFile.requireRegular(fd, path: path)
            try StateFile.restrictMode(fd, path: path)
        } catch {
            close(fd)
            throw error
        }
    }

    /// Opens an existing lock file read-only, to look at it; `nil` when there is none.
    public init?(existing path: String) {
        self.path = path
        guard let fd = try? Self.open(path, flags: O_RDONLY, operation: "open"),
            (try? StateFile.requireRegular(fd, path: path)) != nil
        else { return nil }
        self.fd = fd
    }

    deinit { close(fd) }

    private static func open(_ path: String, flags: Int32, operation: String) throws(FileSystemError) -> Int32 {
        let fd = Glibc.open(path, flags | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK, 0o600)
        guard fd >= 0 else { throw FileSystemError(operation: operation, path: path, errno: errno) }
        return fd
    }

    // MARK: the whole file

    /// Takes the whole-file lock if no other descriptor holds it. Returns whether it did.
    public func tryLock() throws(FileSystemError) -> Bool {
        var lock = Self.flock(type: F_WRLCK, start: 0, length: 0)
        if fcntl(fd, Self.ofdSetLock, &lock) == 0 { return true }
        if errno == EAGAIN || errno == EACCES { return false }
        throw FileSystemError(operation: "lock", path: path, errno: errno)
    }

    /// Takes the whole-file lock shared (many descriptors may hold it so, none exclusively meanwhile) if no
    /// other descriptor holds it exclusively. Returns whether it did.
    public func tryLockShared() throws(FileSystemError) -> Bool {
        var lock = Self.flock(type: F_RDLCK, start: 0, length: 0)
        if fcntl(fd, Self.ofdSetLock, &lock) == 0 { return true }
        if errno == EAGAIN || errno == EACCES { return false }
        throw FileSystemError(operation: "lock", path: path, errno: errno)
    }

    /// Releases the whole-file lock.
    public func unlock() {
        var lock = Self.flock(type: F_UNLCK, start: 0, length: 0)
        _ = fcntl(fd, Self.ofdSetLock, &lock)
    }

    /// Whether another descriptor (of this process or another) holds the whole-file lock.
    public func isLockedElsewhere() -> Bool {
        var lock = Self.flock(type: F_WRLCK, start: 0, length: 0)
        guard fcntl(fd, Self.ofdGetLock, &lock) == 0 else { return false }
        return lock.l_type != Int16(F_UNLCK)
    }

    // MARK: records

    /// Takes the record lock of one byte at `offset`: `nil` when taken, else the pid of the process holding
    /// it (0 when the kernel does not say, e.g. it was released in between).
    public func tryLockRecord(at offset: Int64) throws(FileSystemError) -> Int32? {
        var lock = Self.flock(type: F_WRLCK, start: offset, length: 1)
        if fcntl(fd, F_SETLK, &lock) == 0 { return nil }
        guard errno == EAGAIN || errno == EACCES else {
            throw FileSystemError(operation: "lock a record of", path: path, errno: errno)
        }
        var probe = Self.flock(type: F_WRLCK, start: offset, length: 1)
        guard fcntl(fd, F_GETLK, &probe) == 0, probe.l_type != Int16(F_UNLCK) else { return 0 }
        return probe.l_pid
    }

    /// Releases the record lock at `offset`.
    public func unlockRecord(at offset: Int64) {
        var lock = Self.flock(type: F_UNLCK, start: offset, length: 1)
        _ = fcntl(fd, F_SETLK, &lock)
    }

    /// The pid of the process that holds the record at `offset`, if another process does.
    public func recordHolder(at offset: Int64) -> Int32? {
        var probe = Self.flock(type: F_WRLCK, start: offset, length: 1)
        guard fcntl(fd, F_GETLK, &probe) == 0, probe.l_type != Int16(F_UNLCK) else { return nil }
        return probe.l_pid
    }

    // MARK: contents and identity

    /// Replaces what the file holds (the holder's description, for other processes' messages).
    public func replaceContents(_ bytes: [UInt8]) throws(FileSystemError) {
        guard ftruncate(fd, 0) == 0 else { throw FileSystemError(operation: "truncate", path: path, errno: errno) }
        let failure = bytes.withUnsafeBytes { raw -> Int32 in
            guard var base = raw.baseAddress else { return 0 }
            var offset = 0
            while offset < raw.count {
                // `base` advances inside `raw`: n ≤ raw.count - offset.
                let n = pwrite(fd, base, raw.count - offset, off_t(offset))
                if n < 0 {
                    if errno == EINTR { continue }
                    return errno
                }
                offset += n
                base += n
            }
            return 0
        }
        guard failure == 0 else { throw FileSystemError(operation: "write", path: path, errno: failure) }
    }

    /// Up to `limit` bytes of what the file holds.
    public func contents(limit: Int = 64 << 10) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: limit)
        var filled = 0
        while filled < limit {
            // Reads into the unfilled rest of `bytes`.
            let n = bytes.withUnsafeMutableBytes { raw in
                pread(fd, raw.baseAddress! + filled, limit - filled, off_t(filled))
            }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { break }
            filled += n
        }
        return Array(bytes.prefix(filled))
    }

    /// Whether `path` still names this file (it was not removed or replaced since it was opened).
    public var isStillAtPath: Bool {
        var mine = stat()
        var there = stat()
        guard fstat(fd, &mine) == 0, lstat(path, &there) == 0 else { return false }
        return mine.st_dev == there.st_dev && mine.st_ino == there.st_ino
    }

    /// Removes the file from its directory, if `path` still names it.
    public func unlinkIfStillAtPath() {
        if isStillAtPath { unlink(path) }
    }

    // MARK: fcntl

    // From <fcntl.h> (Linux ≥ 3.15); Glibc does not export them to Swift without _GNU_SOURCE.
    private static let ofdGetLock: Int32 = 36
    private static let ofdSetLock: Int32 = 37

    private static func flock(type: Int32, start: Int64, length: Int64) -> Glibc.flock {
        var lock = Glibc.flock()
        lock.l_type = Int16(type)
        lock.l_whence = Int16(SEEK_SET)
        lock.l_start = off_t(start)
        lock.l_len = off_t(length)
        lock.l_pid = 0  // required 0 for OFD locks
        return lock
    }
}
