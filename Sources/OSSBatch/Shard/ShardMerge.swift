import Foundation

/// `ossbatch report merge`: the reports of the N shards of one batch as one report, as if one process had
/// run the whole plan. Refuses — naming each — a report that is not a shard's, shards of another batch
/// (manifest, whole plan, N or `shard_split`), a shard given twice or missing, and a key in two shards.
package enum ShardMerge {
    /// Keys in two shards listed one by one; the rest are counted.
    static let listedKeys = 20

    /// The merged report of `reports` (each with its path, for messages), in any order.
    package static func merge(_ reports: [(path: String, report: Report)]) throws(ShardMergeError) -> Report {
        var problems: [String] = []
        var shards: [(path: String, report: Report, info: ShardInfo)] = []
        for (path, report) in reports {
            if let info = report.shard {
                shards.append((path, report, info))
            } else {
                problems.append("\(path) is not a shard's report (it has no shard: run with --shard K/N)")
            }
        }
        guard let first = shards.first else {
            throw ShardMergeError(problems: problems.isEmpty ? ["no reports to merge"] : problems)
        }
        let count = first.info.shard.count
        var byIndex: [Int: String] = [:]
        for shard in shards {
            let (path, report, info) = shard
            if info.shard.count != count {
                problems.append(
                    "\(path) is shard \(info.shard) of \(info.shard.count) shards, \(first.path) of \(count)"
                )
            } else if info.split != first.info.split {
                problems.append(
                    "\(path) is a shard of a '\(info.split.rawValue)' split (upload.shard_split), \(first.path) of a '\(first.info.split.rawValue)' one: the shards of one batch split it one way"
                )
            } else if info.partitionID != first.info.partitionID {
                problems.append(
                    "\(path) is a shard of another plan (partition_id \(info.partitionID.prefix(12))…, \(first.path) \(first.info.partitionID.prefix(12))…): the files or the manifest changed between the shards' plans"
                )
            } else if report.manifest != first.report.manifest || report.target.bucket != first.report.target.bucket {
                problems.append(
                    "\(path) is a shard of another batch (\(report.manifest) to \(report.target.bucket), \(first.path): \(first.report.manifest) to \(first.report.target.bucket))"
                )
            } else if let other = byIndex[info.shard.index] {
                problems.append("\(other) and \(path) are both shard \(info.shard)")
            } else {
                byIndex[info.shard.index] = path
            }
        }
        let missing = (0..<count).filter { byIndex[$0] == nil }
        if !missing.isEmpty && problems.isEmpty {
            problems.append(
                "missing: shard\(missing.count == 1 ? "" : "s") "
                    + missing.prefix(listedKeys).map { "\($0)/\(count)" }.joined(separator: ", ")
                    + (missing.count > listedKeys ? " and \(missing.count - listedKeys) more" : "")
                    + " of \(count)"
            )
        }
        let members = shards.map {
            ShardNightMismatch.Member(
                shard: $0.info.shard.description,
                createdAt: $0.report.createdAt,
                keyResolution: $0.report.keyResolution
            )
        }
        if problems.isEmpty, let nights = ShardNightMismatch(members) {
            problems.append("the shards are not of one night: \(nights)")
        }
        guard problems.isEmpty else { throw ShardMergeError(problems: problems) }
        let ordered = shards.sorted { $0.info.shard.index < $1.info.shard.index }
        var tagged: [(job: ReportJob, shard: Int)] = []
        tagged.reserveCapacity(ordered.reduce(0) { $0 + $1.report.jobs.count })
        for shard in ordered {
            for job in shard.report.jobs { tagged.append((job, shard.info.shard.index)) }
        }
        tagged.sort { SplitPath.precedes($0.job.spec.objectKey, $1.job.spec.objectKey) }
        var duplicates = 0
        for i in tagged.indices.dropFirst() where tagged[i].job.spec.objectKey == tagged[i - 1].job.spec.objectKey {
            duplicates += 1
            guard duplicates <= listedKeys else { continue }
            let (a, b) = (tagged[i - 1].shard, tagged[i].shard)
            problems.append(
                "the key '\(tagged[i].job.spec.key)' is in shard \(a)/\(count) (\(byIndex[a]!)) and shard \(b)/\(count) (\(byIndex[b]!))"
            )
        }
        if duplicates > listedKeys { problems.append("… and \(duplicates - listedKeys) more keys in two shards") }
        guard problems.isEmpty else { throw ShardMergeError(problems: problems) }
        return merged(ordered.map(\.report), jobs: tagged.map(\.job))
    }

    /// One report over every shard's jobs, its `plan_id` the shards' `partition_id`; the earliest creation and latest update,
    /// every run, and the status that says most about what is left.
    private static func merged(_ reports: [Report], jobs: [ReportJob]) -> Report {
        let first = reports[0]
        var upload = first.upload
        if let info = first.shard {
            let dir = upload.checkpointDir as NSString
            if dir.lastPathComponent == info.shard.nameTag { upload.checkpointDir = dir.deletingLastPathComponent }
        }
        return Report(
            status: reports.map(\.status).max { rank($0) < rank($1) } ?? .succeeded,
            planID: first.shard?.partitionID ?? first.planID,
            manifest: first.manifest,
            target: first.target,
            upload: upload,
            credentials: first.credentials,
            allowEmpty: first.allowEmpty,
            shard: nil,
            keyResolution: first.keyResolution,
            createdAt: reports.map(\.createdAt).min() ?? first.createdAt,
            updatedAt: reports.map(\.updatedAt).max() ?? first.updatedAt,
            fatalError: reports.lazy.compactMap(\.fatalError).first,
            runs: reports.flatMap(attributedRuns).sorted { $0.startedAt < $1.startedAt },
            jobs: jobs
        )
    }

    /// A shard's runs, each naming the shard: `status` of the merged report judges each shard by its own last
    /// run (a shard still running, or whose last run exited 1), not the batch by whichever run started last.
    private static func attributedRuns(_ report: Report) -> [RunRecord] {
        report.runs.map { run in
            var run = run
            run.shard = report.shard?.shard
            return run
        }
    }

    /// What a shard's status says about the whole batch, least to most: one shard still running (or killed)
    /// means the batch is not over; a shard given up (`abort`) outweighs a fatal stop, which outweighs an
    /// interruption, which outweighs failed jobs.
    private static func rank(_ status: RunStatus) -> Int {
        switch status {
        case .succeeded: 0
        case .failed: 1
        case .interrupted: 2
        case .fatal: 3
        case .aborted: 4
        case .running: 5
        }
    }
}
