/// One name inside a directory, as `readdir` reported it.
public struct DirectoryEntry: Sendable, Hashable {
    /// The raw bytes of the name: Linux file names are bytes, not necessarily UTF-8.
    public var name: [UInt8]
    /// From `d_type`; `.unknown` when the file system does not report it (then `stat` the entry).
    public var kind: FileKind

    public init(name: [UInt8], kind: FileKind) {
        self.name = name
        self.kind = kind
    }

    /// The name as a `String`, or `nil` when it is not valid UTF-8.
    public var utf8Name: String? { String(validating: name, as: UTF8.self) }
}
