import LocalFiles

/// What identifies one version of a local file: if any of these changed, it is another version.
package struct SourceIdentity: Sendable, Hashable {
    package var size: Int64
    /// Modification time in nanoseconds since the epoch.
    package var mtimeNanoseconds: Int64
    package var inode: UInt64
    package var device: UInt64

    package init(size: Int64, mtimeNanoseconds: Int64, inode: UInt64, device: UInt64) {
        self.size = size
        self.mtimeNanoseconds = mtimeNanoseconds
        self.inode = inode
        self.device = device
    }
}

extension SourceIdentity {
    /// The version of a file `stat` found.
    init(_ status: FileStatus) {
        self.init(
            size: status.size,
            mtimeNanoseconds: status.mtimeNanoseconds,
            inode: status.inode,
            device: status.device
        )
    }
}
