/// What a sharded plan or report records about its shard (`shard` in formats.md): which one of how many,
/// how the batch was split, and the ID of the partition it was cut from, so `report merge` can tell shards
/// of one batch from others.
package struct ShardInfo: Sendable, Hashable, Codable {
    package var shard: Shard
    /// `upload.shard_split`; written only when `directories` (a report without it was split `balanced`).
    package var split: ShardSplit
    /// The same in every shard of one batch: for `balanced`, SHA-256 over every line's key and size of the
    /// whole plan (`Plan.sharded`); for `directories`, over the split's rule and the manifest's entries
    /// (`DirectorySplit.partitionID`), since no shard sees the whole plan.
    package var partitionID: String

    package init(shard: Shard, split: ShardSplit = .balanced, partitionID: String) {
        self.shard = shard
        self.split = split
        self.partitionID = partitionID
    }

    private enum CodingKeys: String, CodingKey {
        case index, count, split
        case partitionID = "partition_id"
    }

    package init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        // `index` and `count` beside the other members, read as `Shard` reads them.
        shard = try Shard(from: decoder)
        split = try c.decodeIfPresent(ShardSplit.self, forKey: .split) ?? .balanced
        partitionID = try c.decode(String.self, forKey: .partitionID)
    }

    package func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(shard.index, forKey: .index)
        try c.encode(shard.count, forKey: .count)
        if split != .balanced { try c.encode(split, forKey: .split) }
        try c.encode(partitionID, forKey: .partitionID)
    }
}
