import LocalFiles

/// A `/`-separated path — a file's absolute path or an object key — kept as its directory and its name.
///
/// A directory walk gives every file of a directory the same `directory` strings (its path, its key's
/// prefix) and one name string shared by the file's path and key: a plan of 200,000 files then holds each
/// directory once and no per-file path or key string. Building and faulting in 400,000 such strings was a
/// fifth of a large plan's time.
package struct SplitPath: Sendable, Hashable {
    /// Everything up to and including the last `/` (empty when there is none).
    package let directory: String
    /// What follows the last `/`.
    package let name: String

    /// Splits `path` after its last `/`.
    package init(_ path: String) {
        let utf8 = path.utf8
        if let slash = utf8.lastIndex(of: UInt8(ascii: "/")) {
            let cut = utf8.index(after: slash)
            self.init(canonical: String(path[..<cut]), String(path[cut...]))
        } else {
            self.init(canonical: "", path)
        }
    }

    /// `directory` followed by `name`; no string is built when `directory` is empty or ends with `/` and
    /// `name` holds no `/` (so that equal paths are always equal values).
    init(directory: String, name: String) {
        let slash = UInt8(ascii: "/")
        if (directory.isEmpty || directory.utf8.last == slash) && !ByteSearch.contains(slash, in: name) {
            self.init(canonical: directory, name)
        } else {
            self.init(directory + name)
        }
    }

    private init(canonical directory: String, _ name: String) {
        self.directory = directory
        self.name = name
    }

    /// Equal bytes, as OSS names objects and Linux names files: `String`'s equality takes a composed and a
    /// decomposed "é" for one, and two files named so (one from a Mac) were refused as one key. (The hash
    /// stays `String`'s: equal bytes are equal strings, so equal values still hash alike.)
    package static func == (a: SplitPath, b: SplitPath) -> Bool {
        ByteOrder.equals(a.directory.utf8.span, b.directory.utf8.span)
            && ByteOrder.equals(a.name.utf8.span, b.name.utf8.span)
    }

    /// The whole path, built.
    package var path: String { directory + name }

    /// Length in UTF-8 bytes.
    package var utf8Count: Int { directory.utf8.count + name.utf8.count }

    /// Whether the whole path is `path`, without building it.
    func equals(_ path: String) -> Bool { ByteOrder.equals(joining: directory, name, path) }

    /// Negative, zero or positive as the whole path sorts before, is, or sorts after the path of these UTF-8
    /// bytes (read where they are: the upload index's rows are compared as SQLite has them).
    func order(against bytes: [UInt8]) -> Int {
        ByteOrder.order(joining: directory.utf8.span, name.utf8.span, bytes.span, Span())
    }

    /// Whether the whole path starts with `byte`.
    func starts(with byte: UInt8) -> Bool { (directory.isEmpty ? name : directory).utf8.first == byte }

    /// Byte order of the whole paths, without building them.
    static func precedes(_ a: SplitPath, _ b: SplitPath) -> Bool {
        ByteOrder.precedes(joining: a.directory, a.name, b.directory, b.name)
    }
}
