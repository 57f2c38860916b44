/// What a sharded plan or report records about its shard (`shard` in formats.md): which one of how many,
/// and the ID of the whole plan it was cut from, so `report merge` can tell shards of one batch from others.
package struct ShardInfo: Sendable, Hashable, Codable {
    package var shard: Shard
    /// The `plan_id` of the whole plan (every shard's jobs), the same in every shard.
    package var batchPlanID: String

    package init(shard: Shard, batchPlanID: String) {
        self.shard = shard
        self.batchPlanID = batchPlanID
    }

    private enum CodingKeys: String, CodingKey {
        case index, count
        case batchPlanID = "plan_id"
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
        batchPlanID = try c.decode(String.self, forKey: .batchPlanID)
    }

    package func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(shard.index, forKey: .index)
        try c.encode(shard.count, forKey: .count)
        try c.encode(batchPlanID, forKey: .batchPlanID)
    }
}
