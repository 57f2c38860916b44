import LocalFiles

/// What a walk passed over on purpose, for the plan summary and its warnings.
struct WalkCounts: Sendable {
    var excludedFiles = 0
    /// Directories an `exclude` pattern kept the walk out of.
    var excludedDirectories = 0
    /// Symbolic links not followed.
    var links = 0
    /// FIFOs, sockets and devices.
    var specialFiles = 0
    /// Indices of the `exclude` patterns that removed something.
    var usedExcludes: Set<Int> = []
    /// Files (and followed links to files) whose status the walk read: every file it planned or skipped,
    /// and under `shard_split: directories` the few of other shards' directories whose kind the listing
    /// did not give.
    var examinedFiles = 0
    /// Files the entry selects in directories other shards own (`shard_split: directories`), by name only:
    /// not stat'ed, opened or planned here.
    var otherShardFiles = 0

    mutating func add(_ other: WalkCounts) {
        excludedFiles += other.excludedFiles
        excludedDirectories += other.excludedDirectories
        links += other.links
        specialFiles += other.specialFiles
        usedExcludes.formUnion(other.usedExcludes)
        examinedFiles += other.examinedFiles
        otherShardFiles += other.otherShardFiles
    }
}

/// A file a walk found but may not read, a directory below its root it may not list, either with a name that is
/// not UTF-8, a followed symbolic link whose target is gone, or a file whose key would be too long
/// (`upload.on_unreadable: skip`).
struct WalkSkip: Sendable {
    /// Relative path of the item's parent directory from the walk's root, with a trailing `/` (or empty).
    var directory: String
    /// Its name (`unnameable`: shown with the bytes that are not UTF-8 as `\xNN`, `PathEscaping`).
    var name: String
    /// Where the item is (`unnameable`: its name shown as above).
    var source: SplitPath
    var status: FileStatus
    /// The file system it is on (`StableDevice`).
    var device: UInt64
    /// `unreadable` (a file), `unlistable` (a directory), `unnameable` (either), `brokenLink` (a link) or
    /// `keyTooLong` (a file).
    var reason: SkipReason
    /// Why an `unlistable` directory could not be listed, when not for its permissions (a path longer than the
    /// system allows, an I/O error), or why an item could not be stat'ed at all: the plan's warning says so.
    var why: String?

    /// Whether the item is a directory (its line stands for whatever it holds).
    var isDirectory: Bool { status.kind == .directory }

    /// Path relative to the walk's root (a directory's ends with `/`).
    var relative: String { directory + name + (isDirectory ? "/" : "") }
}
