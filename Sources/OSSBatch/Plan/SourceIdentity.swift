import LocalFiles

/// What identifies one version of a local file: if any of these changed, it is another version.
package struct SourceIdentity: Sendable, Hashable {
    package var size: Int64
    /// Modification time in nanoseconds since the epoch.
    package var mtimeNanoseconds: Int64
    package var inode: UInt64
    /// The file system the file is on: `StableDevice`'s number (from `statfs`), not `st_dev`, which may
    /// change across reboots.
    package var device: UInt64

    package init(size: Int64, mtimeNanoseconds: Int64, inode: UInt64, device: UInt64) {
        self.size = size
        self.mtimeNanoseconds = mtimeNanoseconds
        self.inode = inode
        self.device = device
    }
}

extension SourceIdentity {
    /// The version of a file `stat` found now, to compare with `kept` (an identity planned earlier): its
    /// device as `kept` would have it (`StableDevice.matching`; `fileSystem` is asked only if needed).
    init(_ status: FileStatus, comparableTo kept: SourceIdentity, _ fileSystem: () -> FileSystemIdentity?) {
        self.init(status, device: StableDevice.matching(kept.device, device: status.device, fileSystem))
    }

    /// The version of a file `stat` found, on the file system `device` (`StableDevice`) names.
    init(_ status: FileStatus, device: UInt64) {
        self.init(
            size: status.size,
            mtimeNanoseconds: status.mtimeNanoseconds,
            inode: status.inode,
            device: device
        )
    }
}
