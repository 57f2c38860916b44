import OSSBatch
import Testing

/// `ossbatch status` groups a batch's shard directories into one line.
@Suite struct ShardedBatchStatusTests {
    @Test func onlyWellFormedShardDirectoryNamesAreShards() {
        #expect(ShardedBatchStatus.parse("nightly.shard-2-of-8")! == ("nightly", 2, 8))
        #expect(ShardedBatchStatus.parse("a.b.shard-0-of-1")! == ("a.b", 0, 1))
        for name in [
            "nightly", "nightly.shard-8-of-8", "nightly.shard-x-of-8", "nightly.shard-1-of-", "shard-1-of-2",
            "n.shard-01-of-2", "n.shard-1-of-2x",
        ] {
            #expect(ShardedBatchStatus.parse(name) == nil, "\(name)")
        }
    }

    @Test func shardsOfOneBatchAndNBecomeOneLineWithTheMostPressingState() {
        func shard(_ name: String, _ state: BatchStatus.State, jobs: Int) -> BatchStatus {
            var status = BatchStatus(batch: name, report: "/s/\(name)/r.json", state: state)
            var totals = ReportTotals()
            totals.jobs = jobs
            totals.succeeded = state == .succeeded ? jobs : 0
            status.totals = totals
            return status
        }
        let grouped = ShardedBatchStatus.grouped([
            shard("a", .succeeded, jobs: 1),
            shard("n.shard-1-of-3", .crashed, jobs: 5),
            shard("n.shard-0-of-3", .succeeded, jobs: 4),
            shard("n.shard-0-of-2", .succeeded, jobs: 9),
        ])
        #expect(grouped.map(\.batch) == ["a", "n", "n"])
        let three = grouped.first { $0.shardCount == 3 }!
        #expect(three.state == .crashed && three.totals?.jobs == 9 && three.totals?.succeeded == 4)
        #expect(three.shards?.map(\.batch) == ["n.shard-0-of-3", "n.shard-1-of-3"])
        #expect(three.needsAttention && three.problem?.contains("1 of its 3 shards have no report here") == true)
        let two = grouped.first { $0.shardCount == 2 }!
        #expect(two.state == .incomplete && two.needsAttention, "one of its two shards has no report")
    }

    /// A batch's totals are its shards' summed, the open uploads (billed until resumed or aborted), unchanged
    /// and copied files too: summed field by field before, those three were left out of a sharded batch's line.
    @Test func aShardedBatchsTotalsCountItsShardsOpenUploadsUnchangedAndCopiedFiles() {
        func shard(_ k: Int, open: Int?, unchanged: Int?, copied: Int?) -> BatchStatus {
            var status = BatchStatus(batch: "n.shard-\(k)-of-3", report: "/s/\(k)/r.json", state: .failed)
            var totals = ReportTotals()
            (totals.jobs, totals.openUploads, totals.unchanged, totals.copied) = (10, open, unchanged, copied)
            status.totals = totals
            return status
        }
        let batch = ShardedBatchStatus.grouped([
            shard(0, open: 0, unchanged: nil, copied: 2),
            shard(1, open: 3, unchanged: 7, copied: nil),
            shard(2, open: nil, unchanged: nil, copied: nil),
        ])
        let totals = batch.first?.totals
        #expect(totals?.jobs == 30 && totals?.openUploads == 3 && totals?.unchanged == 7 && totals?.copied == 2)
    }
}
