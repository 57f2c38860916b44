import Glibc

/// The fields of a `stat` result that an uploader cares about. The engine re-reads it with
/// `FileStatus.stat(_:)` before and after sending a file to notice a file that changed.
public struct FileStatus: Sendable, Hashable {
    public var kind: FileKind
    public var size: Int64
    /// Modification time in nanoseconds since the epoch.
    public var mtimeNanoseconds: Int64
    public var inode: UInt64
    public var device: UInt64
    /// Permission bits (`st_mode & 0o7777`).
    public var permissions: UInt32
    /// Owning user and group ids.
    public var owner: UInt32
    public var group: UInt32
    /// Status-change time in nanoseconds since the epoch: moves on every write and on chmod/chown/rename,
    /// and cannot be set back by a user the way mtime can.
    public var ctimeNanoseconds: Int64

    public init(
        kind: FileKind,
        size: Int64,
        mtimeNanoseconds: Int64,
        inode: UInt64,
        device: UInt64,
        permissions: UInt32,
        owner: UInt32 = 0,
        group: UInt32 = 0,
        ctimeNanoseconds: Int64 = 0
    ) {
        self.kind = kind
        self.size = size
        self.mtimeNanoseconds = mtimeNanoseconds
        self.inode = inode
        self.device = device
        self.permissions = permissions
        self.owner = owner
        self.group = group
        self.ctimeNanoseconds = ctimeNanoseconds
    }

    /// The fields of a `stat` result (from `stat`, `lstat` or `fstat`).
    public init(_ st: stat) {
        self.init(
            kind: FileKind(mode: st.st_mode),
            size: Int64(st.st_size),
            mtimeNanoseconds: Self.nanoseconds(st.st_mtim),
            inode: UInt64(st.st_ino),
            device: UInt64(st.st_dev),
            permissions: UInt32(st.st_mode) & 0o7777,
            owner: UInt32(st.st_uid),
            group: UInt32(st.st_gid),
            ctimeNanoseconds: Self.nanoseconds(st.st_ctim)
        )
    }

    /// Nanoseconds since the epoch, held at the nearest end of what 64 bits hold (years 1678 to 2262): a
    /// file can be stamped far outside that (`touch -d 2300-01-01`, an archive's bogus times), and it must
    /// still be planned and uploaded, not trap the multiplication. Two such stamps beyond the same end are
    /// one value; a change to the file still moves its ctime, which is the kernel's clock.
    public static func nanoseconds(_ time: timespec) -> Int64 {
        let (seconds, overflow) = Int64(time.tv_sec).multipliedReportingOverflow(by: 1_000_000_000)
        guard !overflow else { return time.tv_sec < 0 ? .min : .max }
        let (total, beyond) = seconds.addingReportingOverflow(Int64(time.tv_nsec))
        return beyond ? .max : total
    }

    /// `stat(2)`: follows symbolic links.
    public static func stat(_ path: String) throws(FileSystemError) -> FileStatus {
        var st = Glibc.stat()
        guard posixStat(path, &st) == 0 else { throw FileSystemError(operation: "stat", path: path, errno: errno) }
        return FileStatus(st)
    }

    /// `lstat(2)`: describes a symbolic link itself rather than its target.
    public static func lstat(_ path: String) throws(FileSystemError) -> FileStatus {
        var st = Glibc.stat()
        guard posixLstat(path, &st) == 0 else { throw FileSystemError(operation: "lstat", path: path, errno: errno) }
        return FileStatus(st)
    }

    /// Whether this process can open `path` for reading, decided by the kernel (so it is right for root,
    /// ACLs and read-only mounts alike). Opens with `O_NONBLOCK` so a FIFO cannot block the caller.
    public static func isReadable(_ path: String) -> Bool {
        let fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else { return false }
        close(fd)
        return true
    }
}

extension FileKind {
    init(mode: mode_t) {
        switch mode & S_IFMT {
        case S_IFREG: self = .regular
        case S_IFDIR: self = .directory
        case S_IFLNK: self = .symlink
        case S_IFIFO: self = .fifo
        case S_IFSOCK: self = .socket
        case S_IFCHR: self = .characterDevice
        case S_IFBLK: self = .blockDevice
        default: self = .unknown
        }
    }

    init(direntType: UInt8) {
        switch Int32(direntType) {
        case Int32(DT_REG): self = .regular
        case Int32(DT_DIR): self = .directory
        case Int32(DT_LNK): self = .symlink
        case Int32(DT_FIFO): self = .fifo
        case Int32(DT_SOCK): self = .socket
        case Int32(DT_CHR): self = .characterDevice
        case Int32(DT_BLK): self = .blockDevice
        default: self = .unknown
        }
    }
}

// Outside the type, where `stat` and `lstat` name the C functions rather than `FileStatus`'s methods.
private func posixStat(_ path: String, _ st: inout stat) -> Int32 { stat(path, &st) }
private func posixLstat(_ path: String, _ st: inout stat) -> Int32 { lstat(path, &st) }
