import Foundation

/// Shards of one batch whose reports are not of one night. A shard that did not run tonight leaves an earlier
/// night's report where tonight's would be (one `--report` path every night, or its batch directory), and of
/// the same plan when the tree and manifest did not change (`partition_id`; under `shard_split: directories`
/// it does not depend on the files at all): merged, or added up by `status`, with tonight's shards, the batch
/// passed for `succeeded` while that shard's files of tonight were never uploaded (review of 486a92e).
///
/// Told apart by the keys when they hold placeholders (`key_resolution`: a `{date}` prefix of two nights,
/// whenever each shard ran — a past night redone under `OSSBATCH_NOW` is that night's); otherwise by when the
/// shards' plans were made: more than `window` apart is not one night.
struct ShardNightMismatch: CustomStringConvertible {
    /// Plans of one night's shards are made within this (a queue that held a shard longer: run it again).
    static let window: TimeInterval = 12 * 3600

    /// One shard's report: its shard (`K/N`), when its plan was made, how its keys resolved.
    struct Member {
        var shard: String
        var createdAt: String?
        var keyResolution: KeyResolution?
    }

    let description: String

    /// `nil` when every shard is of one night (or there is nothing to tell it by).
    init?(_ members: [Member]) {
        if members.contains(where: { $0.keyResolution != nil }) {
            var nights: [(keys: String, shards: [String])] = []
            for member in members {
                let keys = member.keyResolution?.fields.map(\.resolved).joined(separator: ", ") ?? "no placeholder"
                if let i = nights.firstIndex(where: { $0.keys == keys }) {
                    nights[i].shards.append(member.shard)
                } else {
                    nights.append((keys, [member.shard]))
                }
            }
            guard nights.count > 1 else { return nil }
            let listed = nights.map {
                "shard\($0.shards.count == 1 ? "" : "s") \($0.shards.joined(separator: ", ")) under \($0.keys)"
            }
            description =
                "its shards' keys resolved to different nights (\(listed.joined(separator: "; "))): a shard that "
                + "did not run tonight left an earlier night's report, or the shards started either side of "
                + "midnight. Run the shards missing from tonight's keys (every shard from one OSSBATCH_NOW), then "
                + "merge"
            return
        }
        let made = members.compactMap { member in member.createdAt.flatMap(Timestamp.parse).map { (member, $0) } }
        guard let first = made.min(by: { $0.1 < $1.1 }), let last = made.max(by: { $0.1 < $1.1 }),
            last.1.timeIntervalSince(first.1) > Self.window
        else { return nil }
        let hours = Int((last.1.timeIntervalSince(first.1) / 3600).rounded())
        description =
            "shard \(first.0.shard)'s plan was made at \(first.0.createdAt!), shard \(last.0.shard)'s at "
            + "\(last.0.createdAt!), \(hours) hours apart (one night's shards are planned within "
            + "\(Int(Self.window / 3600)) hours): a shard that did not run since left an earlier night's report. "
            + "Run the shards of the earlier night again, then merge"
    }
}
