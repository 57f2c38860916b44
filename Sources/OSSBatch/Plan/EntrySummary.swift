/// What one `files` entry selected and what it passed over, for the plan summary.
package struct EntrySummary: Sendable, Hashable {
    /// Where the entry's `source` or `glob` is written.
    package var mark: SourceMark
    /// `source 'site/'` or `glob 'logs/*.gz'`.
    package var selector: String
    /// Files planned for upload.
    package var files = 0
    /// Files an `exclude` pattern removed (directories so excluded were not entered, their files not counted).
    package var excludedFiles = 0
    package var excludedDirectories = 0
    /// Symbolic links not followed (`follow_symlinks: false`).
    package var links = 0
    /// FIFOs, sockets and devices.
    package var specialFiles = 0
    /// Files that could not be read, and directories that could not be listed (`upload.on_unreadable: skip`).
    package var unreadableFiles = 0
    package var unlistableDirectories = 0
    /// Files and directories whose names are not UTF-8 (`upload.on_unreadable: skip`).
    package var unnameableItems = 0
    /// Followed symbolic links whose targets do not exist (`upload.on_unreadable: skip`).
    package var brokenLinks = 0
    /// Files whose keys would be longer than OSS allows (`upload.on_unreadable: skip`).
    package var longKeyFiles = 0
    /// Files whose status the walk read (`WalkCounts.examinedFiles`).
    package var examinedFiles = 0
    /// Files the entry selects that other shards own (`shard_split: directories`), not looked at here.
    package var otherShardFiles = 0

    package init(mark: SourceMark, selector: String) {
        self.mark = mark
        self.selector = selector
    }
}
