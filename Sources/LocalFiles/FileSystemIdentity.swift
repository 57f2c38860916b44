import CLocalFiles

/// Which file system a file is on, as `statfs(2)` names it: its type and its id (`f_fsid`). Unlike `st_dev` —
/// a number the kernel hands out as devices and mounts appear, so that an LVM volume, a loop device or a disk
/// found in another order, and every btrfs subvolume, come back under another number after a reboot or a
/// remount — most file systems derive the id from what they store: ext4 and ZFS from their UUID, btrfs from
/// its UUID and the subvolume, tmpfs from a UUID made at mount. Some give none (`id` 0: NFS, FUSE), and XFS
/// gives its device number.
public struct FileSystemIdentity: Sendable, Hashable {
    /// `f_type`, the file system's magic number (`0xef53` for ext2/3/4), as GNU `stat -f` prints `%t`.
    public var type: UInt64
    /// `f_fsid` as one number, its first word high, as GNU `stat -f` prints `%i`; 0 when there is none.
    public var id: UInt64

    public init(type: UInt64, id: UInt64) {
        self.type = type
        self.id = id
    }

    /// `statfs(2)` of `path`, following symbolic links; `nil` when it fails.
    public static func of(path: String) -> FileSystemIdentity? {
        var (type, id): (UInt64, UInt64) = (0, 0)
        guard clocalfiles_statfs(path, &type, &id) == 0 else { return nil }
        return FileSystemIdentity(type: type, id: id)
    }

    /// `fstatfs(2)` of an open descriptor (a file or a directory); `nil` when it fails.
    public static func of(descriptor: Int32) -> FileSystemIdentity? {
        var (type, id): (UInt64, UInt64) = (0, 0)
        guard clocalfiles_fstatfs(descriptor, &type, &id) == 0 else { return nil }
        return FileSystemIdentity(type: type, id: id)
    }
}
