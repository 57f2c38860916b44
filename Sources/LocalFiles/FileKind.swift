/// What kind of file-system object a path names (`S_IFMT` of its mode, or a directory entry's `d_type`).
public enum FileKind: Sendable, Hashable {
    case regular, directory, symlink, fifo, socket, characterDevice, blockDevice
    /// The entry's type is not known without a `stat` (some file systems report `DT_UNKNOWN`).
    case unknown

    /// A human name for diagnostics ("a FIFO", "a directory", …).
    public var description: String {
        switch self {
        case .regular: "a regular file"
        case .directory: "a directory"
        case .symlink: "a symbolic link"
        case .fifo: "a FIFO"
        case .socket: "a socket"
        case .characterDevice: "a character device"
        case .blockDevice: "a block device"
        case .unknown: "an unknown kind of file"
        }
    }
}
