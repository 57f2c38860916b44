import Foundation

/// `ossbatch status` of a batch run as shards: each shard is a batch of its own in the state directory
/// (`NAME.shard-K-of-N`, `Plan.batchName`), shown as one line for the batch with every shard's detail.
package enum ShardedBatchStatus {
    /// `NAME.shard-K-of-N` → (NAME, K, N); nil for any other name.
    package static func parse(_ directoryName: String) -> (batch: String, index: Int, count: Int)? {
        guard let dot = directoryName.range(of: ".shard-", options: .backwards) else { return nil }
        let parts = directoryName[dot.upperBound...].split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[1] == "of", let k = Int(parts[0]), let n = Int(parts[2]),
            let shard = Shard(index: k, count: n), shard.nameTag == directoryName[dot.lowerBound...].dropFirst()
        else { return nil }
        return (String(directoryName[..<dot.lowerBound]), k, n)
    }

    /// Replaces the statuses of shards of one batch and N by one status for the batch: the most pressing
    /// shard's state (running, then crashed, fatal, aborted, interrupted, failed, unreadable; succeeded only
    /// when every shard did, of one plan, none missing — else incomplete), the shards' totals added up, the
    /// latest run, and each shard in `shards`. A shard with no report yet, and shards of different plans
    /// (`PlanMismatch`), are a problem: the batch is not done — unless `shardsHere` (`status --shards-here`,
    /// on one of several machines that each run some shards with a state directory of their own): then
    /// the shards with no report here run elsewhere, are counted in `shardsElsewhere`, and judged there.
    package static func grouped(_ statuses: [BatchStatus], shardsHere: Bool = false) -> [BatchStatus] {
        struct Group: Hashable {
            var batch: String
            var count: Int
        }
        var groups: [Group: [(index: Int, status: BatchStatus)]] = [:]
        var order: [Group] = []
        var result: [BatchStatus] = []
        for status in statuses {
            guard let (batch, index, count) = parse(status.batch) else {
                result.append(status)
                continue
            }
            let group = Group(batch: batch, count: count)
            if groups[group] == nil { order.append(group) }
            groups[group, default: []].append((index, status))
        }
        for group in order {
            let members = groups[group]!.sorted { $0.index < $1.index }
            result.append(combine(group.batch, count: group.count, members.map(\.status), shardsHere: shardsHere))
        }
        return result.sorted { $0.batch < $1.batch }
    }

    private static let precedence: [BatchStatus.State] = [
        .running, .crashed, .fatal, .aborted, .interrupted, .failed, .unreadable, .incomplete, .succeeded,
    ]

    private static func combine(
        _ batch: String,
        count: Int,
        _ shards: [BatchStatus],
        shardsHere: Bool
    ) -> BatchStatus {
        var state = precedence.first { candidate in shards.contains { $0.state == candidate } } ?? .unreadable
        let otherPlans = PlanMismatch(shards)
        let otherNights = ShardNightMismatch(
            shards.compactMap { status in
                status.shardInfo.map {
                    ShardNightMismatch.Member(
                        shard: $0.shard.description,
                        createdAt: status.createdAt,
                        keyResolution: status.keyResolution
                    )
                }
            }
        )
        // Every shard succeeded, but not every file is known to be uploaded: a shard missing, shards cut from
        // different plans (which may leave a file to no shard), or of different nights.
        let missing = shardsHere ? 0 : count - shards.count
        if state == .succeeded && (missing > 0 || otherPlans != nil || otherNights != nil) { state = .incomplete }
        var status = BatchStatus(batch: batch, report: shards[0].report, state: state)
        status.shardCount = count
        status.shards = shards
        if shardsHere && shards.count < count { status.shardsElsewhere = count - shards.count }
        let latest = shards.filter { $0.lastRunAt != nil }.max { $0.lastRunAt! < $1.lastRunAt! }
        status.lastRunAt = latest?.lastRunAt
        status.lastRun = latest?.lastRun
        // Every count, the open uploads, unchanged and copied files too (summed apart, those three were left
        // out: a shard's open uploads did not show in the batch's totals).
        status.totals = shards.compactMap(\.totals).reduce(ReportTotals()) { $0.adding($1) }
        let running = shards.filter { $0.state == .running }.count
        var problems: [String] = []
        if missing > 0 {
            problems.append("\(missing) of its \(count) shards have no report here")
        }
        if let otherPlans { problems.append(otherPlans.description) }
        if let otherNights { problems.append("its shards are not of one night: \(otherNights)") }
        let unfinished = shards.filter { $0.needsAttention }.count
        if unfinished > 0 { problems.append("\(unfinished) of its \(count) shards need attention (see below)") }
        if state == .running { problems.append("\(running) of its \(count) shards running") }
        status.problem = problems.isEmpty ? nil : problems.joined(separator: "; ")
        return status
    }
}
