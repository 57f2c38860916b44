extension Plan {
    /// The part of this whole plan that `shard` uploads (`ShardPartition` over every line, the skipped files
    /// included, so the shards' reports together hold each line once), recording the whole plan's ID. Its
    /// checkpoints go to the shard's own directory under `upload.checkpoint_dir`.
    package func sharded(_ shard: Shard) -> Plan {
        let batchPlanID = planID
        var sizes: [Int64] = []
        sizes.reserveCapacity(jobs.count + skipped.count)
        for chunk in jobs.chunks {
            for i in chunk.indices { sizes.append(chunk[i].identity.size) }
        }
        for item in skipped { sizes.append(item.job.identity.size) }
        let owners = ShardPartition.assign(sizes: sizes, count: shard.count)
        let mine = Int32(shard.index)
        var position = 0
        let chunks = jobs.chunks.map { chunk in
            var kept: [UploadJob] = []
            for i in chunk.indices {
                if owners[position] == mine { kept.append(chunk[i]) }
                position += 1
            }
            return kept
        }
        var part = self
        part.jobs = JobList(chunks: chunks)
        part.skipped = skipped.enumerated().filter { owners[jobs.count + $0.offset] == mine }.map(\.element)
        part.upload.checkpointDir = shard.checkpointDirectory(in: upload.checkpointDir)
        part.shard = ShardInfo(shard: shard, batchPlanID: batchPlanID)
        return part
    }
}
