import Glibc

/// How a program's own state files (reports, journals, checkpoints, locks) are opened: never through a
/// symbolic link (`O_NOFOLLOW`: a link planted at the path fails the open instead of redirecting it), only
/// regular files (a FIFO or `/dev/zero` would block or never end), created with `O_EXCL` where a new file is
/// meant, and kept at mode 0600 even when the file already existed with another mode.
public enum StateFile {
    /// The whole file at `path` (`openForReading`'s rules), or `nil` when it does not exist. The error is the
    /// call's, with its `errno`: a caller tells a refusal (`FileSystemError.isRefusal`) from damage.
    public static func readAll(_ path: String, maximumSize: Int64) throws(FileSystemError) -> [UInt8]? {
        try openForReading(path, maximumSize: maximumSize)?.readAll()
    }

    /// Opens `path` for reading: `nil` when it does not exist. Refuses a symbolic link, anything but a
    /// regular file, and a file of more than `maximumSize` bytes.
    public static func openForReading(_ path: String, maximumSize: Int64) throws(FileSystemError) -> ReadableFile? {
        let fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK)
        guard fd >= 0 else {
            if errno == ENOENT { return nil }
            throw failure("open", path, errno)
        }
        do throws(FileSystemError) {
            let size = try requireRegular(fd, path: path)
            guard size <= maximumSize else {
                throw FileSystemError(
                    operation: "read",
                    path: path,
                    errno: EFBIG,
                    detail: "is \(size) bytes, more than the \(maximumSize) a state file may have"
                )
            }
            return ReadableFile(fd: fd, path: path, size: size)
        } catch {
            close(fd)
            throw error
        }
    }

    /// Opens `path` for appending (creating it, mode 0600): a regular file, never through a link; an existing
    /// file's mode is set back to 0600. `created`: no file was there (this open made it, empty). Readable too,
    /// so that the caller can tell whether the file ends inside a line. The caller closes the descriptor.
    public static func openForAppending(_ path: String) throws(FileSystemError) -> (fd: Int32, created: Bool) {
        let flags = O_RDWR | O_APPEND | O_CREAT | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK
        // Created if it can be (`O_EXCL`), else opened as it is: a file found there may hold lines a crash
        // left, and only a created one is known to be empty on disk.
        var created = true
        var fd = open(path, flags | O_EXCL, 0o600)
        if fd < 0 && errno == EEXIST {
            created = false
            fd = open(path, flags, 0o600)
        }
        guard fd >= 0 else { throw failure("open", path, errno) }
        do {
            _ = try requireRegular(fd, path: path)
            try restrictMode(fd, path: path)
        } catch {
            close(fd)
            throw error
        }
        return (fd, created)
    }

    /// Creates a new file at `path` with `mode` (`O_EXCL`: fails if anything, a link included, is there).
    /// The caller closes the descriptor.
    public static func createExclusive(_ path: String, mode: mode_t = 0o600) throws(FileSystemError) -> Int32 {
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode)
        guard fd >= 0 else { throw failure("create", path, errno) }
        return fd
    }

    /// Checks that `fd` is a regular file; returns its size.
    @discardableResult
    public static func requireRegular(_ fd: Int32, path: String) throws(FileSystemError) -> Int64 {
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw FileSystemError(operation: "stat", path: path, errno: errno) }
        let kind = FileKind(mode: st.st_mode)
        guard kind == .regular else {
            throw FileSystemError(
                operation: "open",
                path: path,
                errno: EINVAL,
                detail: "is \(kind.description), not a regular file"
            )
        }
        return Int64(st.st_size)
    }

    /// Sets the mode of `fd` to 0600 unless it is that already.
    public static func restrictMode(_ fd: Int32, path: String) throws(FileSystemError) {
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw FileSystemError(operation: "stat", path: path, errno: errno) }
        guard st.st_mode & 0o7777 != 0o600 else { return }
        guard fchmod(fd, 0o600) == 0 else { throw FileSystemError(operation: "chmod 0600", path: path, errno: errno) }
    }

    /// The error of a failed open, with a symbolic link named as such (`ELOOP` from `O_NOFOLLOW`).
    static func failure(_ operation: String, _ path: String, _ code: Int32) -> FileSystemError {
        guard code == ELOOP else { return FileSystemError(operation: operation, path: path, errno: code) }
        return FileSystemError(
            operation: operation,
            path: path,
            errno: code,
            detail: "is a symbolic link (state files are never opened through one)"
        )
    }
}

/// A regular file open for reading, its size known when it was opened. Sendable: its fields never change,
/// and `read(upToCount:at:)` (`pread`) may be called from any thread; `read(upToCount:)` moves the one file
/// position, so only one thread at a time reads on with it.
public final class ReadableFile: Sendable {
    public let path: String
    public let size: Int64
    private let fd: Int32

    init(fd: Int32, path: String, size: Int64) {
        self.fd = fd
        self.path = path
        self.size = size
    }

    deinit { close(fd) }

    /// Up to `count` more bytes; empty at the end of the file.
    public func read(upToCount count: Int) throws(FileSystemError) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        while true {
            let n = bytes.withUnsafeMutableBytes { raw in Glibc.read(fd, raw.baseAddress!, count) }
            if n >= 0 {
                bytes.removeLast(count - n)
                return bytes
            }
            if errno != EINTR { throw FileSystemError(operation: "read", path: path, errno: errno) }
        }
    }

    /// Up to `count` bytes from `offset` on (`pread`: the file position does not move), fewer only at the
    /// end of the file.
    public func read(upToCount count: Int, at offset: Int64) throws(FileSystemError) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        var filled = 0
        while filled < count {
            // The pointer is into `bytes`, `count - filled` bytes from `filled` on, valid for this call only.
            let n = bytes.withUnsafeMutableBytes { raw in
                pread(fd, raw.baseAddress! + filled, count - filled, off_t(offset) + off_t(filled))
            }
            if n > 0 {
                filled += n
            } else if n == 0 {
                break
            } else if errno != EINTR {
                throw FileSystemError(operation: "read", path: path, errno: errno)
            }
        }
        bytes.removeLast(count - filled)
        return bytes
    }

    /// The rest of the file (bounded by the size checked at open, plus what was appended since up to the
    /// same again, so a file that keeps growing cannot keep this reading).
    public func readAll() throws(FileSystemError) -> [UInt8] {
        var all: [UInt8] = []
        let limit = max(size, 0) * 2 + (1 << 20)
        while Int64(all.count) < limit {
            let chunk = try read(upToCount: 1 << 20)
            if chunk.isEmpty { return all }
            all += chunk
        }
        throw FileSystemError(operation: "read", path: path, errno: EFBIG, detail: "kept growing while it was read")
    }
}

extension StateFile {
    /// Checks that `path` is a directory fit for state files: not a symbolic link, owned by this process's
    /// user, and writable by nobody else (a directory others may write to lets them plant or swap files).
    public static func requirePrivateDirectory(_ path: String) throws(FileSystemError) {
        let status = try FileStatus.lstat(path)
        func refuse(_ detail: String) -> FileSystemError {
            FileSystemError(operation: "use the state directory", path: path, errno: EPERM, detail: detail)
        }
        switch status.kind {
        case .directory: break
        case .symlink: throw refuse("is a symbolic link; give the directory it points to instead")
        default: throw refuse("is \(status.kind.description), not a directory")
        }
        let user = geteuid()
        guard status.owner == user else {
            throw refuse("is owned by uid \(status.owner), not by this user (uid \(user))")
        }
        guard status.permissions & 0o022 == 0 else {
            let mode = String(status.permissions, radix: 8)
            throw refuse("is writable by group or others (mode \(mode)); run: chmod go-w \(path)")
        }
    }
}

extension StateFile {
    /// Creates `path` and every missing directory above it with `mkdir(2)` at mode 0700, then sets each one
    /// it made to exactly 0700 (a umask may have taken bits the owner needs). Foundation's
    /// `createDirectory(attributes:)` makes a directory 0777 less the umask and `chmod`s it after: under
    /// `umask 000` another user could plant a file or a link in it between the two. Directories already
    /// there are left as they are (the caller checks them: `requirePrivateDirectory`).
    public static func createPrivateDirectory(_ path: String) throws(FileSystemError) {
        var missing: [String] = []
        var current = path
        while !current.isEmpty, current != "/" {
            if (try? FileStatus.lstat(current)) != nil { break }
            missing.append(current)
            current = parent(of: current)
        }
        for directory in missing.reversed() {
            guard mkdir(directory, 0o700) == 0 else {
                // Made meanwhile by another process: it is checked as one already there.
                if errno == EEXIST { continue }
                throw FileSystemError(operation: "create directory", path: directory, errno: errno)
            }
            // Through a descriptor that is this very directory: a path-based `chmod` follows a link, and a
            // directory swapped for one meanwhile would have given 0700 to whatever it points at.
            let fd = open(directory, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
            guard fd >= 0 else { throw failure("open", directory, errno) }
            defer { close(fd) }
            guard fchmod(fd, 0o700) == 0 else {
                throw FileSystemError(operation: "chmod", path: directory, errno: errno)
            }
        }
    }

    /// The directory `path` is in ("" for a relative path's first component).
    private static func parent(of path: String) -> String {
        var bytes = Array(path.utf8)
        while bytes.count > 1, bytes.last == UInt8(ascii: "/") { bytes.removeLast() }
        guard let slash = bytes.lastIndex(of: UInt8(ascii: "/")) else { return "" }
        return slash == 0 ? "/" : String(decoding: bytes[..<slash], as: UTF8.self)
    }
}
