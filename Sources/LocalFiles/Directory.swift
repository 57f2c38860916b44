import Glibc
import Synchronization

/// An open directory: lists its entries and stats them relative to its descriptor (`fstatat`), which
/// saves the kernel from resolving the full path again for each of thousands of files.
public final class Directory {
    public let path: String
    // Owned: closed (with the descriptor under it) in deinit. `entries()` reads the stream, so listing
    // belongs to one thread at a time; the `status` and `mayOpen` calls only use its descriptor
    // (`fstatat`/`faccessat` are thread-safe), so once the listing is done several threads may use them.
    private let stream: OpaquePointer
    /// `status` calls so far, told to `WalkProgress` a step at a time: a shared count touched by every stat
    /// of every walker thread would cost more than the stats it counts.
    private let stats = Atomic<Int>(0)
    static let statsPerStep = 256

    /// Opens `path` for listing. Throws when it does not exist, is not a directory, or cannot be read.
    public init(path: String) throws(FileSystemError) {
        guard let stream = opendir(path) else { throw FileSystemError(operation: "opendir", path: path, errno: errno) }
        self.path = path
        self.stream = stream
        WalkProgress.advance()
    }

    /// One more `status` call.
    private func counted() {
        if stats.add(1, ordering: .relaxed).newValue % Self.statsPerStep == 0 { WalkProgress.advance() }
    }

    deinit { closedir(stream) }

    /// Every entry except `.` and `..`, in the order the file system returns them (callers sort).
    public func entries() throws(FileSystemError) -> [DirectoryEntry] {
        var result: [DirectoryEntry] = []
        while true {
            errno = 0
            guard let entry = readdir(stream) else {
                if errno != 0 { throw FileSystemError(operation: "readdir", path: path, errno: errno) }
                WalkProgress.advance()
                return result
            }
            // `d_name` is a fixed-size, NUL-terminated C array inside the dirent that readdir returned; it
            // stays valid until the next readdir on this stream, and the name is copied out before that.
            // A valid UTF-8 name becomes a String straight from it (no byte array in between).
            let listed: DirectoryEntry? = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                let length = raw.firstIndex(of: 0) ?? raw.count
                if length <= 2 && raw[0] == 0x2E && (length == 1 || raw[1] == 0x2E) { return nil }  // "." and ".."
                // The kernel always ends `d_name` with a NUL within the array, which `validatingCString` reads to
                // (the check is for a name filling it, which Linux never returns).
                let utf8Name =
                    length < raw.count
                    ? raw.baseAddress.flatMap { String(validatingCString: $0.assumingMemoryBound(to: CChar.self)) }
                    : nil
                return DirectoryEntry(
                    utf8Name: utf8Name,
                    bytes: Array(raw[..<length]),
                    kind: FileKind(direntType: entry.pointee.d_type)
                )
            }
            if let listed { result.append(listed) }
        }
    }

    /// `fstat` of the directory opened: what was listed, whatever its path names by now.
    public func status() throws(FileSystemError) -> FileStatus {
        var st = stat()
        guard fstat(dirfd(stream), &st) == 0 else { throw FileSystemError(operation: "stat", path: path, errno: errno) }
        return FileStatus(st)
    }

    /// `fstatat` on an entry of this directory; `followSymlinks: false` describes a link itself.
    public func status(of name: [UInt8], followSymlinks: Bool) throws(FileSystemError) -> FileStatus {
        var st = stat()
        let flags = followSymlinks ? Int32(0) : AT_SYMLINK_NOFOLLOW
        let rc = withCString(name) { fstatat(dirfd(stream), $0, &st, flags) }
        counted()
        guard rc == 0 else { throw FileSystemError(operation: "stat", path: childPath(name), errno: errno) }
        return FileStatus(st)
    }

    /// `fstatat` on an entry whose name is valid UTF-8 (no copy of the name is needed).
    public func status(of name: String, followSymlinks: Bool) throws(FileSystemError) -> FileStatus {
        var st = stat()
        let flags = followSymlinks ? Int32(0) : AT_SYMLINK_NOFOLLOW
        let rc = fstatat(dirfd(stream), name, &st, flags)
        counted()
        guard rc == 0 else {
            throw FileSystemError(
                operation: "stat",
                path: (path.hasSuffix("/") ? path : path + "/") + name,
                errno: errno
            )
        }
        return FileStatus(st)
    }

    /// Whether the kernel lets this process open the entry (a followed link's target) to read it, and with
    /// `listing` also search it: `faccessat` with the effective ids, which consults ACLs and capabilities. For
    /// an entry the permission bits refuse (`ProcessIdentity`), so that a walk pays the call only for those.
    public func mayOpen(_ name: String, listing: Bool) -> Bool {
        withCString(Array(name.utf8)) { faccessat(dirfd(stream), $0, listing ? R_OK | X_OK : R_OK, AT_EACCESS) } == 0
    }

    /// The entry's path for messages (invalid UTF-8 is repaired here, for display only).
    public func childPath(_ name: [UInt8]) -> String {
        (path.hasSuffix("/") ? path : path + "/") + String(decoding: name, as: UTF8.self)
    }

    private func withCString<R>(_ name: [UInt8], _ body: (UnsafePointer<CChar>) -> R) -> R {
        // A NUL-terminated copy of the raw name; the pointer lives only for the duration of `body`.
        (name + [0]).withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { body($0.baseAddress!) }
        }
    }
}
