/// Which directories of one walk a shard owns under `upload.shard_split: directories`: those whose key
/// prefix as written (the entry's `key_prefix`, placeholders unresolved, and the directory's path relative to
/// the walk's root: what every machine sees alike wherever it mounts the tree, whatever its host name, and
/// whenever it starts) `DirectorySplit` gives to the shard.
struct DirectoryOwnership: Sendable {
    var shard: Shard
    /// The entry's `key_prefix` as written (empty for none): `{hostname}` or `{date}` resolved would split the
    /// tree differently on each machine, or each side of midnight, and leave directories to no shard.
    var keyPrefix: String

    /// Whether the shard owns the directory at `relative` (empty for the root, else ending with `/`): its
    /// files, and the directory itself when it cannot be listed.
    func owns(directory relative: String) -> Bool {
        DirectorySplit.owner(ofKey: keyPrefix + relative, count: shard.count) == shard.index
    }
}
