import Foundation
import OSSProtocol
import TestSupport
import Testing

@testable import OSSBatch

@Suite struct ShardPartitionTests {
    /// A plan of `sizes.count` jobs with keys in order, and `skipped` unreadable files among them.
    static func plan(sizes: [Int64], skipped: Int = 0) -> Plan {
        func job(_ n: Int, size: Int64) -> UploadJob {
            UploadJob(
                source: "/data/d\(n / 100)/f\(n)",
                key: String(format: "k/%07d", n),
                identity: SourceIdentity(size: size, mtimeNanoseconds: 1, inode: UInt64(n), device: 1),
                options: ObjectOptions(),
                method: .put
            )
        }
        let all = sizes.enumerated().map { job($0.offset, size: $0.element) }
        // Every few jobs one is skipped instead, so skipped lines interleave with the jobs.
        let stride = skipped > 0 ? max(1, all.count / skipped) : Int.max
        let isSkipped = { (n: Int) in skipped > 0 && n % stride == 0 && n / stride < skipped }
        return Plan(
            manifestPath: "/m.yaml",
            target: Target(
                endpoint: "http://127.0.0.1:9",
                region: "local",
                bucket: "b",
                signature: .v4,
                addressing: .path
            ),
            upload: UploadSettings(checkpointDir: "/cp"),
            credentials: nil,
            allowEmpty: false,
            jobs: JobList(all.indices.filter { !isSkipped($0) }.map { all[$0] }),
            skipped: all.indices.filter(isSkipped).map { ReportJob(skipped: all[$0], reason: .unreadable) }
        )
    }

    /// Each shard's keys (jobs and skipped lines), for `count` shards.
    static func keysByShard(of plan: Plan, count: Int) -> [[String]] {
        (0..<count).map { k in
            let part = plan.sharded(Shard(index: k, count: count)!)
            return part.jobs.map(\.key) + part.skipped.map(\.spec.key)
        }
    }

    @Test func everyKeyIsInExactlyOneShardForRandomPlansAndOneToSixtyFourShards() {
        var random = SeededRandom()
        for count in 1...64 {
            let files = Int.random(in: 0...300, using: &random)
            // Mostly small files, now and then a big one, sometimes empty ones.
            let sizes = (0..<files).map { _ -> Int64 in
                switch Int.random(in: 0..<20, using: &random) {
                case 0: 0
                case 1: Int64.random(in: 1 << 30...1 << 40, using: &random)
                default: Int64.random(in: 1...1 << 20, using: &random)
                }
            }
            let plan = Self.plan(sizes: sizes, skipped: Int.random(in: 0...3, using: &random))
            let shards = Self.keysByShard(of: plan, count: count)
            let all = shards.flatMap { $0 }
            let expected = plan.jobs.map(\.key) + plan.skipped.map(\.spec.key)
            #expect(all.count == expected.count, "N = \(count), \(random)")
            #expect(Set(all) == Set(expected), "N = \(count), \(random)")
            // No key twice: as many distinct keys as lines.
            #expect(Set(all).count == all.count, "N = \(count), \(random)")
            for (k, keys) in shards.enumerated() {
                let part = plan.sharded(Shard(index: k, count: count)!)
                #expect(part.jobs.map(\.key) + part.skipped.map(\.spec.key) == keys, "the same partition twice")
                #expect(part.shard?.shard == Shard(index: k, count: count)!)
                #expect(part.shard?.partitionID == plan.sharded(Shard(index: 0, count: count)!).shard?.partitionID)
                #expect(part.upload.checkpointDir == "/cp/shard-\(k)-of-\(count)")
                #expect(part.jobs.map(\.key) == part.jobs.map(\.key).sorted(), "a shard's jobs stay in key order")
            }
        }
    }

    @Test func thePartitionIsTheSameInEveryProcess() {
        // Nothing seeded per process (no Hasher, no random): these sizes give these owners, in any run.
        let sizes: [Int64] = [5, 1 << 40, 3, 3, 0, 700, 1 << 20, 3, 9, 1 << 30, 12, 12]
        #expect(ShardPartition.assign(sizes: sizes, count: 3) == [2, 0, 2, 2, 2, 2, 2, 2, 2, 1, 2, 2])
        #expect(ShardPartition.assign(sizes: sizes, count: 1) == Array(repeating: 0, count: sizes.count))
        #expect(ShardPartition.assign(sizes: [], count: 8) == [])
    }

    @Test func aFileLargerThanAShareIsAloneInItsShard() {
        // 1 TiB and 10,000 files of 1 KiB–1 MiB: the big file's shard holds nothing else.
        var random = SeededRandom()
        let sizes = [Int64(1) << 40] + (0..<10_000).map { _ in Int64.random(in: 1 << 10...1 << 20, using: &random) }
        for count in [2, 4, 16] {
            let owners = ShardPartition.assign(sizes: sizes, count: count)
            #expect(owners.filter { $0 == owners[0] }.count == 1, "N = \(count), \(random)")
        }
    }

    /// The balance on a skewed tree: 100,000 sizes from a Pareto distribution (α = 1.1, from 1 KiB: most
    /// files small, a few holding much of the bytes, the largest capped at 4 GiB). What is balanced is a
    /// shard's weight (bytes + files × the per-file weight): within 5 % of the mean, or the heaviest file
    /// alone. Max shard bytes / mean and max shard files / mean are printed (docs/performance.md).
    @Test func aSkewedTreeIsBalancedByBytesAndByCount() {
        var random = SeededRandom()
        let sizes = (0..<100_000).map { _ -> Int64 in
            let u = Double.random(in: Double.ulpOfOne..<1, using: &random)
            return min(Int64(1024 * pow(u, -1 / 1.1)), 4 << 30)
        }
        for count in [4, 16, 64] {
            let owners = ShardPartition.assign(sizes: sizes, count: count)
            let perFile = Double(ShardPartition.perFileWeight(sizes, count: count))
            var bytes = [Int64](repeating: 0, count: count)
            var files = [Int](repeating: 0, count: count)
            for (line, owner) in owners.enumerated() {
                bytes[Int(owner)] += sizes[line]
                files[Int(owner)] += 1
            }
            let weights = (0..<count).map { Double(bytes[$0]) + Double(files[$0]) * perFile }
            let meanWeight = weights.reduce(0, +) / Double(count)
            let meanBytes = Double(sizes.reduce(0, +)) / Double(count)
            let byteRatio = Double(bytes.max()!) / meanBytes
            let countRatio = Double(files.max()!) / (Double(sizes.count) / Double(count))
            let weightRatio = weights.max()! / meanWeight
            let floor = (Double(sizes.max()!) + perFile) / meanWeight
            print(
                "N = \(count): max/mean shard bytes \(byteRatio), files \(countRatio), weight \(weightRatio) (largest file alone: \(floor))"
            )
            #expect(weightRatio <= max(1.05, floor * 1.001), "N = \(count), \(random)")
            #expect(files.min()! > 0, "N = \(count), \(random)")
        }
    }
}
