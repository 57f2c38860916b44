import LocalFiles

/// The number a `SourceIdentity` keeps for the file system a file is on: one that stays the same across
/// reboots and remounts, where `st_dev` does not. With `st_dev`, a btrfs subvolume or an LVM volume numbered
/// otherwise after a reboot made every indexed file look like another file: the first night after each
/// reboot uploaded everything again (restic met the same, restic#3041), and a batch resumed after a reboot
/// warned of every file as replaced.
///
/// It is made from the file system's type and `statfs` id (`FileSystemIdentity`), cut to 53 bits so that a
/// JSON number holds it exactly in any parser (`jq` reads numbers as doubles). A file system without an id,
/// or a failed `statfs`, keeps `st_dev`. Two file systems that give the same type and id (a cloned disk
/// mounted beside its original) share a number; a file is still only "the same" when its path or inode,
/// size and times in nanoseconds match as well.
package enum StableDevice {
    /// The number for a file system seen through `fileSystem`, whose `st_dev` is `device`.
    package static func number(_ fileSystem: FileSystemIdentity?, device: UInt64) -> UInt64 {
        guard let fileSystem, fileSystem.id != 0 else { return device }
        // A fixed mix (SplitMix64's finalizer), not `Hasher`: the number is kept in indexes and reports, so it
        // must be the same in every process.
        var z = fileSystem.id ^ (fileSystem.type &* 0x9E37_79B9_7F4A_7C15)
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return (z ^ (z >> 31)) & (1 << 53 - 1)
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

    /// The number for the file system of an open descriptor, whose `st_dev` is `device`.
    package static func of(descriptor: Int32, device: UInt64) -> UInt64 {
        number(FileSystemIdentity.of(descriptor: descriptor), device: device)
    }
}
