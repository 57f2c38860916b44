/// The mounts this process sees, as `/proc/self/mountinfo` lists them: where a file system without an id of
/// its own (NFS and FUSE give `statfs` none; XFS gives its device number) can still be named by what stays
/// the same across reboots — its type, its source (`server:/export`, `/dev/mapper/vg-data`) and where it is
/// mounted — rather than by `st_dev`.
public struct MountTable: Sendable {
    /// One line of `mountinfo` (proc(5)).
    public struct Mount: Sendable, Hashable {
        /// The mounted file system's `st_dev` (major and minor as glibc's `makedev` combines them).
        public var device: UInt64
        /// The directory of the file system at the mount's root (`/` unless a bind mount of a subtree).
        public var root: String
        public var mountPoint: String
        /// The file system type (`nfs4`, `fuse.sshfs`, `xfs`).
        public var type: String
        /// What was mounted (`server:/export`, `/dev/sda1`), as the kernel shows it.
        public var source: String

        public init(device: UInt64, root: String, mountPoint: String, type: String, source: String) {
            self.device = device
            self.root = root
            self.mountPoint = mountPoint
            self.type = type
            self.source = source
        }
    }

    public var mounts: [Mount]

    /// The mounts of `mountinfo`'s text; lines it cannot read are left out.
    public init(parsing text: String) {
        mounts = text.split(separator: "\n").compactMap(Self.mount(line:))
    }

    /// This process's mounts now; `nil` when `/proc/self/mountinfo` cannot be read.
    public static func current() -> MountTable? {
        guard let bytes = ProcessTable.readSmallFile("/proc/self/mountinfo", limit: 64 << 20) else { return nil }
        return MountTable(parsing: String(decoding: bytes, as: UTF8.self))
    }

    /// The mount that names the file system on `device`: of several (bind mounts of one file system), the one
    /// of its root directory, then the first by mount point, so that the choice does not depend on the order
    /// the mounts were made in.
    public func mount(device: UInt64) -> Mount? {
        mounts.filter { $0.device == device }
            .min { ($0.root == "/" ? 0 : 1, $0.mountPoint) < ($1.root == "/" ? 0 : 1, $1.mountPoint) }
    }

    /// `ID PARENT MAJOR:MINOR ROOT MOUNTPOINT OPTIONS [OPTIONAL...] - TYPE SOURCE SUPEROPTIONS`, with spaces,
    /// tabs, newlines and backslashes in paths written as octal escapes (`\040`).
    static func mount(line: Substring) -> Mount? {
        let fields = line.split(separator: " ", omittingEmptySubsequences: false)
        guard fields.count >= 10, let dash = fields[6...].firstIndex(of: "-"), dash + 2 < fields.count else {
            return nil
        }
        let numbers = fields[2].split(separator: ":")
        guard numbers.count == 2, let major = UInt64(numbers[0]), let minor = UInt64(numbers[1]) else { return nil }
        // glibc's makedev: the minor's low 8 bits, the major's low 12 above them, then the high bits of each.
        let device =
            (minor & 0xff) | ((major & 0xfff) << 8) | ((minor & ~0xff) << 12) | ((major & ~0xfff) << 32)
        return Mount(
            device: device,
            root: unescaped(fields[3]),
            mountPoint: unescaped(fields[4]),
            type: unescaped(fields[dash + 1]),
            source: unescaped(fields[dash + 2])
        )
    }

    /// A field with its octal escapes (`\040`, `\011`, `\012`, `\134`) turned back into bytes.
    static func unescaped(_ field: Substring) -> String {
        guard field.contains("\\") else { return String(field) }
        let utf8 = Array(field.utf8)
        var bytes: [UInt8] = []
        var i = 0
        while i < utf8.count {
            if utf8[i] == UInt8(ascii: "\\"), i + 4 <= utf8.count, let byte = octalByte(utf8[(i + 1)..<(i + 4)]) {
                bytes.append(byte)
                i += 4
            } else {
                bytes.append(utf8[i])
                i += 1
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Three octal digits as one byte; `nil` if they are not that.
    private static func octalByte(_ digits: ArraySlice<UInt8>) -> UInt8? {
        var value = 0
        for digit in digits {
            guard (UInt8(ascii: "0")...UInt8(ascii: "7")).contains(digit) else { return nil }
            value = value * 8 + Int(digit - UInt8(ascii: "0"))
        }
        return value <= 255 ? UInt8(value) : nil
    }
}
