import Digests

/// The split of `upload.shard_split: directories`: a line belongs to the shard numbered by the first 8
/// bytes of SHA-256 over its key's directory part as the manifest writes it (the entry's `key` or
/// `key_prefix` with its placeholders unresolved, and the file's relative path; up to and including the last
/// `/`, empty for a key without one), read as a big-endian integer, modulo N.
///
/// Owner by the written key alone, so it is a partition of the keys whatever machine, mount point or moment a
/// file is planned on (`{hostname}` and `{date}` resolve differently on each), and two entries that map files
/// to one key the same way send both to one shard, whose plan refuses them before anything is sent. The
/// files of one walked directory share that directory part, so a shard decides once per directory whether to
/// look at its files.
package enum DirectorySplit {
    /// The shard of `count` that owns `key`.
    package static func owner(ofKey key: String, count: Int) -> Int {
        owner(ofKeyDirectory: SplitPath(key).directory, count: count)
    }

    /// The shard of `count` that owns the keys whose directory part is `directory` (empty or ending with `/`).
    package static func owner(ofKeyDirectory directory: String, count: Int) -> Int {
        precondition(count >= 1)
        let digest = SHA256.hash(directory.utf8)
        let value = digest.prefix(8).reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        return Int(value % UInt64(count))
    }
}
