/// `upload.shard_split`: how `--shard K/N` divides a batch among its shards.
package enum ShardSplit: String, Sendable, Hashable, Codable, CaseIterable {
    /// Every shard plans the whole manifest and keeps its lines of a split balanced by bytes and by count
    /// (`ShardPartition`): even shards, but every shard stats every file.
    case balanced
    /// Each directory's files belong to one shard, chosen from the directory's key prefix alone
    /// (`DirectorySplit`): a shard lists every directory but stats and plans only the files of its own, so
    /// N shards stat each file once; the balance is only as even as the files are spread over directories.
    case directories
}
