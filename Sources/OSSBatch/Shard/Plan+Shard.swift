import Digests

extension Plan {
    /// The part of this whole plan that `shard` uploads (`ShardPartition` over every line, the skipped files
    /// included, so the shards' reports together hold each line once), recording the whole plan's ID. Its
    /// checkpoints go to the shard's own directory under `upload.checkpoint_dir`.
    package func sharded(_ shard: Shard) -> Plan {
        var sizes: [Int64] = []
        sizes.reserveCapacity(jobs.count + skipped.count)
        for chunk in jobs.chunks {
            for i in chunk.indices { sizes.append(chunk[i].identity.size) }
        }
        for item in skipped { sizes.append(item.spec.identity.size) }
        let partitionID = partitionID(sizes: sizes)
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
        part.shard = ShardInfo(shard: shard, partitionID: partitionID)
        return part
    }

    /// Hex SHA-256 over what the partition depends on, every line's key and size in the order given to
    /// `ShardPartition` (the jobs, then the skipped files): shards that agree on it agree on who owns each
    /// key. Not the plan ID, which also covers inodes and devices, and a shared volume mounted on N
    /// machines may show each its own device number. Hashed in chunks of about 1 MiB, as the plan ID is.
    private func partitionID(sizes: [Int64]) -> String {
        var digests: [UInt8] = []
        var chunk: [UInt8] = []
        chunk.reserveCapacity(1 << 20 + 4096)
        var line = 0
        func add(_ key: String) {
            chunk.append(contentsOf: key.utf8)
            chunk.append(0)
            chunk.append(contentsOf: String(sizes[line]).utf8)
            chunk.append(0x0A)
            line += 1
            if chunk.count >= 1 << 20 {
                digests += SHA256.hash(chunk)
                chunk.removeAll(keepingCapacity: true)
            }
        }
        for job in jobs { add(job.key) }
        for item in skipped { add(item.spec.key) }
        if !chunk.isEmpty || digests.isEmpty { digests += SHA256.hash(chunk) }
        return SHA256.hash(digests).hexString
    }
}
