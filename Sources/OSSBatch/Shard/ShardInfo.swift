/// What a sharded plan or report records about its shard (`shard` in formats.md): which one of how many,
/// and the ID of the partition it was cut from, so `report merge` can tell shards of one batch from others.
package struct ShardInfo: Sendable, Hashable, Codable {
    package var shard: Shard
    /// SHA-256 over every line's key and size of the whole plan (`Plan.sharded`), the same in every shard
    /// of one batch.
    package var partitionID: String

    package init(shard: Shard, partitionID: String) {
        self.shard = shard
        self.partitionID = partitionID
    }

    private enum CodingKeys: String, CodingKey {
        case index, count
        case partitionID = "partition_id"
    }

    package init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let index = try c.decode(Int.self, forKey: .index)
        let count = try c.decode(Int.self, forKey: .count)
        guard let shard = Shard(index: index, count: count) else {
            throw DecodingError.dataCorruptedError(
                forKey: .index,
                in: c,
                debugDescription: "shard \(index) of \(count) is not a shard"
            )
        }
        self.shard = shard
        partitionID = try c.decode(String.self, forKey: .partitionID)
    }

    package func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(shard.index, forKey: .index)
        try c.encode(shard.count, forKey: .count)
        try c.encode(partitionID, forKey: .partitionID)
    }
}
