/// One name inside a directory, as `readdir` reported it.
public struct DirectoryEntry: Sendable, Hashable {
    /// The name as a `String`, or `nil` when it is not valid UTF-8 (OSS keys must be).
    public let utf8Name: String?
    /// The bytes of a name that is not valid UTF-8 (empty otherwise: `name` rebuilds them).
    private let invalidName: [UInt8]
    /// From `d_type`; `.unknown` when the file system does not report it (then `stat` the entry).
    public var kind: FileKind

    public init(name: [UInt8], kind: FileKind) {
        self.init(utf8Name: String(validating: name, as: UTF8.self), bytes: name, kind: kind)
    }

    /// `bytes` is kept only when `utf8Name` is `nil`.
    init(utf8Name: String?, bytes: @autoclosure () -> [UInt8], kind: FileKind) {
        self.utf8Name = utf8Name
        invalidName = utf8Name == nil ? bytes() : []
        self.kind = kind
    }

    /// The raw bytes of the name: Linux file names are bytes, not necessarily UTF-8.
    public var name: [UInt8] { utf8Name.map { Array($0.utf8) } ?? invalidName }
}
