import Glibc

/// A failed file-system call: which call, on which path, and the `errno` it set.
public struct FileSystemError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The POSIX call that failed (`stat`, `opendir`, …).
    public var operation: String
    public var path: String
    public var errno: Int32
    /// What is wrong when no `errno` says it (a directory where a regular file belongs, a file too large).
    public var detail: String?

    public init(operation: String, path: String, errno: Int32, detail: String? = nil) {
        self.operation = operation
        self.path = path
        self.errno = errno
        self.detail = detail
    }

    /// `detail`, else the C library's message for `errno` ("No such file or directory").
    public var reason: String { detail ?? String(cString: strerror(errno)) }

    public var doesNotExist: Bool { errno == ENOENT || errno == ENOTDIR }
    public var isPermissionDenied: Bool { errno == EACCES || errno == EPERM }
    /// Whether the system refused the call now (no descriptor left, an I/O error, a mode) rather than found
    /// something else than a file there (a link, a directory, a file too large: `detail`, or ELOOP): a state
    /// file that could not be read so may be sound, and is kept, not judged.
    public var isRefusal: Bool { detail == nil && errno != ELOOP }

    public var description: String { "\(operation) \(path): \(reason)" }
}
