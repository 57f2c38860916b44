import LocalFiles

/// A regular file found under a walked directory.
struct FoundFile {
    /// Relative path of the file's directory from the walk's root, with a trailing `/` (empty at the
    /// root). Shared by the directory's files: a file's own relative path is built only when asked for.
    var directory: String
    var name: String
    /// Where the file is: the directory's path, shared by its files, and `name`.
    var source: SplitPath
    let status: FileStatus
    /// The file system it is on (`StableDevice`), found once per directory rather than per file.
    let device: UInt64

    /// Path relative to the walk's root, `/`-separated.
    var relative: String { directory + name }
}
