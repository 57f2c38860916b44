import LocalFiles
import Synchronization

/// The number a `SourceIdentity` keeps for the file system a file is on: one that stays the same across
/// reboots and remounts, where `st_dev` does not. With `st_dev`, a btrfs subvolume or an LVM volume numbered
/// otherwise after a reboot made every indexed file look like another file: the first night after each
/// reboot uploaded everything again (restic met the same, restic#3041), and a batch resumed after a reboot
/// warned of every file as replaced.
///
/// It is made from the file system's type and `statfs` id (`FileSystemIdentity`). A file system whose id is
/// none (NFS, FUSE) or its device number again (XFS, ramfs) is named instead by its mount (`MountTable`):
/// type, source (`server:/export`, `/dev/mapper/vg-data`), root and mount point. Either way the number is cut
/// to 53 bits so that a JSON number holds it exactly in any parser (`jq` reads numbers as doubles). A failed
/// `statfs`, or a mount not found, keeps `st_dev`. Two file systems that give the same type and id (a cloned
/// disk mounted beside its original) share a number; a file is still only "the same" when its path or inode,
/// size and times in nanoseconds match as well.
package enum StableDevice {
    /// The number for a file system seen through `fileSystem`, whose `st_dev` is `device`; `mount` finds the
    /// mount of a device (this process's mount table, read when a device is new to it).
    package static func number(
        _ fileSystem: FileSystemIdentity?,
        device: UInt64,
        mount: (UInt64) -> MountTable.Mount? = StableDevice.mount(device:)
    ) -> UInt64 {
        guard let fileSystem else { return device }
        // XFS and `simple_statfs` give the device number as their id (the kernel's encoding, low word first).
        let idIsDevice = fileSystem.id == (device & 0xFFFF_FFFF) << 32
        if fileSystem.id != 0 && !idIsDevice { return mixed(fileSystem.type, fileSystem.id) }
        guard let mount = mount(device) else { return device }
        return mixed(fileSystem.type, fnv1a([mount.type, mount.source, mount.root, mount.mountPoint]))
    }

    /// The number to compare with `kept`, a number kept earlier (in a report, a checkpoint, a plan), for a file
    /// whose `st_dev` is `device`: `st_dev` itself when that is what `kept` holds — reports and checkpoints of
    /// builds before this number kept `st_dev`, and one file system now is one file system — else the file
    /// system's number, from `fileSystem` (only then called: no `statfs` when `st_dev` matches).
    package static func matching(
        _ kept: UInt64,
        device: UInt64,
        _ fileSystem: () -> FileSystemIdentity?
    ) -> UInt64 {
        kept == device ? device : number(fileSystem(), device: device)
    }

    /// The number for the file system of `path` (`statfs`, following links), whose `st_dev` is `device`.
    package static func of(path: String, device: UInt64) -> UInt64 {
        number(FileSystemIdentity.of(path: path), device: device)
    }

    /// The mount of `device` in this process's mount table, read again for each device it has not met (a
    /// mount made since), and remembered, misses too: asked per file only on file systems without an id.
    package static func mount(device: UInt64) -> MountTable.Mount? {
        mounts.withLock { known in
            if let found = known[device] { return found }
            let found = MountTable.current()?.mount(device: device)
            known[device] = .some(found)  // a miss is remembered too (a bare nil would remove the key)
            return found
        }
    }

    private static let mounts = Mutex<[UInt64: MountTable.Mount?]>([:])

    /// A fixed mix (SplitMix64's finalizer) of type and id, cut to 53 bits: not `Hasher`, since the number is
    /// kept in indexes and reports and must be the same in every process.
    private static func mixed(_ type: UInt64, _ id: UInt64) -> UInt64 {
        var z = id ^ (type &* 0x9E37_79B9_7F4A_7C15)
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return (z ^ (z >> 31)) & (1 << 53 - 1)
    }

    /// FNV-1a (64 bits) of the strings' UTF-8, each followed by a zero byte.
    private static func fnv1a(_ strings: [String]) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for string in strings {
            for byte in string.utf8 + [0] { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3 }
        }
        return hash
    }
}
