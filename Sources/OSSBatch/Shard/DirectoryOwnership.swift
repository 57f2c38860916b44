/// Which directories of one walk a shard owns under `upload.shard_split: directories`: those whose key
/// prefix (the entry's `key_prefix` and the directory's path relative to the walk's root, what every
/// machine sees alike wherever it mounts the tree) `DirectorySplit` gives to the shard.
struct DirectoryOwnership: Sendable {
    var shard: Shard
    /// The entry's resolved `key_prefix` (empty for none).
    var keyPrefix: String

    /// Whether the shard owns the directory at `relative` (empty for the root, else ending with `/`): its
    /// files, and the directory itself when it cannot be listed.
    func owns(directory relative: String) -> Bool {
        DirectorySplit.owner(ofKey: keyPrefix + relative, count: shard.count) == shard.index
    }
}
