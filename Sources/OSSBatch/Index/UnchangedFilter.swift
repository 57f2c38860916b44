import Dispatch
import LocalFiles
import OSSProtocol
import SQLite

/// `upload.unchanged: skip | copy` before a run (and in `plan`, offline): every job whose file is the very
/// version the upload index has under its key, sent with the same options, leaves the job list for the
/// skipped list with reason `unchanged`. The engine never sees it: no request, no read.
package enum UnchangedFilter {
    /// What the filter took out of a plan.
    package struct Result: Sendable, Hashable {
        package var files = 0
        package var bytes: Int64 = 0
    }

    /// Moves the unchanged jobs of `plan` to `plan.skipped`. One pass over the index in key order beside
    /// the plan's sorted jobs (a merge, no lookups); the ctime is the planner's (a job without one, from
    /// elsewhere, is stat'ed again, in parallel).
    package static func apply(to plan: inout Plan, index: UploadIndex) throws(SQLiteError) -> Result {
        var candidates: [(position: Int, entry: IndexEntry)] = []
        var hashes: [ObjectOptions: Int64] = [:]
        var iterator = plan.jobs.makeIterator()
        var position = -1
        var current = iterator.next()
        if current != nil { position = 0 }
        try index.scan { entry in
            while let job = current, ByteOrder.precedes(job.key, entry.key) {
                current = iterator.next()
                position += 1
            }
            guard let job = current, job.key == entry.key, job.source == entry.source,
                job.identity == entry.identity
            else { return }
            let hash = hashes[job.options] ?? job.options.indexHash
            hashes[job.options] = hash
            if hash == entry.optionsHash { candidates.append((position, entry)) }
        }
        let jobs = plan.jobs
        let found = candidates
        let confirmed: [Bool] = DispatchQueue.concurrentMap(iterations: found.count) { i in
            let (position, entry) = found[i]
            let job = jobs[position]
            if let ctime = job.plannedCtimeNanoseconds { return ctime == entry.ctimeNanoseconds }
            guard let status = try? FileStatus.stat(job.source) else { return false }
            return status.ctimeNanoseconds == entry.ctimeNanoseconds && status.size == job.identity.size
                && status.mtimeNanoseconds == job.identity.mtimeNanoseconds && status.inode == job.identity.inode
                && status.device == job.identity.device
        }
        var result = Result()
        var unchanged: [SkippedSource] = []
        var drop = Set<Int>()
        for (i, candidate) in candidates.enumerated() where confirmed[i] {
            let job = jobs[candidate.position]
            drop.insert(candidate.position)
            unchanged.append(
                SkippedSource(job: job, reason: .unchanged, etag: candidate.entry.etag, crc64: candidate.entry.crc64)
            )
            result.files += 1
            result.bytes += job.size
        }
        guard !drop.isEmpty else { return result }
        var offset = 0
        plan.jobs = JobList(
            chunks: plan.jobs.chunks.map { chunk in
                defer { offset += chunk.count }
                let base = offset
                return chunk.indices.compactMap { drop.contains(base + $0) ? nil : chunk[$0] }
            }
        )
        plan.skipped = merge(plan.skipped, unchanged)
        return result
    }

    /// Two key-sorted lists as one.
    private static func merge(_ a: [SkippedSource], _ b: [SkippedSource]) -> [SkippedSource] {
        var merged: [SkippedSource] = []
        merged.reserveCapacity(a.count + b.count)
        var (i, j) = (0, 0)
        while i < a.count || j < b.count {
            if j == b.count || (i < a.count && SplitPath.precedes(a[i].job.objectKey, b[j].job.objectKey)) {
                merged.append(a[i])
                i += 1
            } else {
                merged.append(b[j])
                j += 1
            }
        }
        return merged
    }
}
