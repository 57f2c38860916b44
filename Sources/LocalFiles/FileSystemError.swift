import Glibc

/// A failed file-system call: which call, on which path, and the `errno` it set.
public struct FileSystemError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The POSIX call that failed (`stat`, `opendir`, …).
    public var operation: String
    public var path: String
    public var errno: Int32

    public init(operation: String, path: String, errno: Int32) {
        self.operation = operation
        self.path = path
        self.errno = errno
    }

    /// The C library's message for `errno` ("No such file or directory").
    public var reason: String { String(cString: strerror(errno)) }

    public var doesNotExist: Bool { errno == ENOENT || errno == ENOTDIR }
    public var isPermissionDenied: Bool { errno == EACCES || errno == EPERM }

    public var description: String { "\(operation) \(path): \(reason)" }
}
