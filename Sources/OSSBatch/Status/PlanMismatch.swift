/// The shards of a batch whose reports come from different plans (`partition_id`): the files or the manifest
/// changed between the shards' plans (a file added; under `balanced`, a `{date}` prefix resolved either side
/// of midnight), so the shards may not have agreed on who owns which file and some may have been uploaded by
/// none.
/// `report merge` refuses such reports; `status` must not add them up into `succeeded`.
struct PlanMismatch: CustomStringConvertible {
    /// The shards (`K/N`) of each plan, the plan of the lowest shard first.
    let plans: [(partitionID: String, shards: [String])]

    /// `nil` when every shard's report (that can be read) comes from one plan.
    init?(_ shards: [BatchStatus]) {
        var plans: [(partitionID: String, shards: [String])] = []
        for shard in shards {
            guard let info = shard.shardInfo else { continue }
            let name = info.shard.description
            if let i = plans.firstIndex(where: { $0.partitionID == info.partitionID }) {
                plans[i].shards.append(name)
            } else {
                plans.append((info.partitionID, [name]))
            }
        }
        guard plans.count > 1 else { return nil }
        self.plans = plans
    }

    var description: String {
        let listed = plans.map {
            "shard\($0.shards.count == 1 ? "" : "s") \($0.shards.joined(separator: ", ")) "
                + "(partition_id \($0.partitionID.prefix(12))…)"
        }
        return "its shards' reports come from different plans: \(listed.joined(separator: "; ")). The files or the "
            + "manifest changed between the shards' plans, so some files may have been uploaded by no shard; "
            + "'ossbatch report merge' refuses these reports (a shard of another plan). Run the whole batch again: "
            + "all its shards, of one plan (started on a tree that does not change meanwhile)"
    }
}
