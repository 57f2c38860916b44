/// An absolute file path, kept as its directory and its name. A directory walk gives every file of a
/// directory the same `directory` string: a plan of 200,000 files then holds each directory's path once,
/// not 200,000 full paths (a tenth of a large plan's time went to building them and faulting in their memory).
public struct SourcePath: Sendable, Hashable {
    /// Everything up to and including the last `/` (empty for a bare name).
    public let directory: String
    /// What follows the last `/`.
    public let name: String

    /// Splits `path` after its last `/`.
    public init(_ path: String) {
        let utf8 = path.utf8
        if let slash = utf8.lastIndex(of: UInt8(ascii: "/")) {
            let cut = utf8.index(after: slash)
            self.init(directory: String(path[..<cut]), name: String(path[cut...]))
        } else {
            self.init(directory: "", name: path)
        }
    }

    /// `directory` must be empty or end with `/`, and `name` must hold no `/`: then equal paths are equal
    /// values, whichever initializer made them.
    init(directory: String, name: String) {
        self.directory = directory
        self.name = name
    }

    /// The whole path.
    public var path: String { directory + name }
}
