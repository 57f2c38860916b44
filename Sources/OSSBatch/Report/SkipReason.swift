/// Why a job is `skipped` (the `reason` of its report line).
package enum SkipReason: String, Sendable, Codable, Hashable, CaseIterable {
    /// `if_exists: skip` found an identical object (same size and CRC-64).
    case identical
    /// The plan found the file by a walk or glob but may not read it (`upload.on_unreadable: skip`).
    case unreadable
    /// The plan could not list a directory below a source (`upload.on_unreadable: skip`); the job's key is
    /// the directory's key prefix, ending with `/`, and stands for whatever files it holds.
    case unlistable
    /// The plan found a file or directory (by a walk or glob, `upload.on_unreadable: skip`) whose name is not
    /// valid UTF-8, or a file whose key would start with `\` (a name starting with it at the top of a source or
    /// glob with no key prefix), so no object key can name it. The line shows those bytes as `\xNN` in its key and source;
    /// a directory's key ends with `/`, and the line stands for whatever it holds.
    case unnameable
    /// The plan followed a symbolic link (`follow_symlinks: true`) whose target cannot be reached: gone, a loop
    /// of links, or behind a directory the process may not search (`upload.on_unreadable: skip`). The line's key is the link's, its source the link, its size and times
    /// the link's own.
    case brokenLink = "broken_link"
    /// The plan found a file (by a walk or glob, `upload.on_unreadable: skip`) whose path, after the entry's key
    /// prefix, makes a key longer than the 1,023 bytes OSS allows. The line's key is that key: not an object's.
    case keyTooLong = "key_too_long"
    /// The file was gone when its upload was to start.
    case vanished
    /// `upload.unchanged`: the upload index says this very version of the file (size, mtime, ctime, inode,
    /// device) is the object under this key, sent with the same options. No request was sent, nothing read.
    case unchanged

    /// Whether the skip leaves a selected file out of the bucket: the batch then exits 1, so that cron
    /// notices, although `resume` has nothing to retry (the next `run` picks the file up).
    package var leavesFileBehind: Bool { self != .identical && self != .unchanged }

    /// Whether the line's key is only shown, never sent, so that OSS's key rules do not hold for it: a name
    /// that is not UTF-8 (its bytes escaped) or whose key would start with `\`, a key over the length limit,
    /// the key prefix of a directory that could not be listed (nested deeper than a key may be long, when the
    /// listing failed for its depth), and a file the walk could not read or a link it could not follow (at
    /// such a path too: one of them made the plan fail, exit 2, where a readable file beside it was skipped).
    package var keyIsShownOnly: Bool {
        switch self {
        case .unnameable, .keyTooLong, .unlistable, .unreadable, .brokenLink: true
        case .identical, .vanished, .unchanged: false
        }
    }
}
