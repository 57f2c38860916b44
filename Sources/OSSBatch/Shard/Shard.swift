/// One of `count` shards of a batch, `index` in `0..<count` (0-based, as Kubernetes and AWS Batch number
/// their tasks). Every shard computes the same partition of the plan on its own (`ShardPartition`, or
/// `DirectorySplit` under `upload.shard_split: directories`), so N processes on N machines upload a batch
/// together without talking to each other.
package struct Shard: Sendable, Hashable, CustomStringConvertible {
    /// The most shards a batch may be split into.
    package static let maximumCount = 100_000

    package let index: Int
    package let count: Int

    /// `nil` unless `0 <= index < count <= maximumCount`.
    package init?(index: Int, count: Int) {
        guard count >= 1, count <= Self.maximumCount, index >= 0, index < count else { return nil }
        self.index = index
        self.count = count
    }

    /// `K/N`, as `--shard` takes it.
    package var description: String { "\(index)/\(count)" }
}

/// `{"index":K,"count":N}`, as a merged report's runs name their shard (`RunRecord.shard`).
extension Shard: Codable {
    private enum CodingKeys: String, CodingKey {
        case index, count
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
        self = shard
    }

    package func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(index, forKey: .index)
        try c.encode(count, forKey: .count)
    }
}
