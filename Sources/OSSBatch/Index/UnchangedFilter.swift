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

    /// Where a job is in the plan's chunks.
    private struct Position {
        var chunk: Int
        var offset: Int
    }

    /// A job the index vouches for whose ctime the plan does not have (a plan made elsewhere): stat'ed again.
    private struct Unstated {
        var position: Position
        var ctimeNanoseconds: Int64
        var etag: CompactETag
        var crc64: UInt64
    }

    /// Moves the unchanged jobs of `plan` to `plan.skipped`. One pass over the index in key order beside
    /// the plan's sorted jobs (a merge, no lookups), reading each job in place in its chunk: a nightly run of
    /// an unchanged tree goes through every job, and copying each (its strings retained and released) or
    /// building its key and path as strings was most of the filter's time. The ctime is the planner's (a job
    /// without one, from elsewhere, is stat'ed again, in parallel).
    package static func apply(to plan: inout Plan, index: UploadIndex) throws(SQLiteError) -> Result {
        let chunks = plan.jobs.chunks
        // In plan order. Room for every job, reserved: pages never written cost no memory, and growing a
        // list of 200,000 by doubling copied it over and over.
        var unchanged: [SkippedSource] = []
        var positions: [Position] = []
        unchanged.reserveCapacity(plan.jobs.count)
        positions.reserveCapacity(plan.jobs.count)
        var unstated: [Unstated] = []
        var (chunk, offset) = (0, 0)
        var hashedOptions: (options: ObjectOptions, hash: Int64)?
        var hashes: [ObjectOptions: Int64] = [:]
        try index.scanVersions { version, etag in
            while chunk < chunks.count {
                let key = chunks[chunk][offset].objectKey
                guard ByteOrder.precedes(joining: key.directory, key.name, version.key, "") else { break }
                offset += 1
                if offset == chunks[chunk].count { (chunk, offset) = (chunk + 1, 0) }
            }
            guard chunk < chunks.count, chunks[chunk][offset].objectKey.equals(version.key),
                chunks[chunk][offset].identity == version.identity,
                chunks[chunk][offset].location.name == version.name,
                chunks[chunk][offset].location.directory == version.directory
            else { return }
            // Jobs share their options value: the last one's hash is almost always the one wanted.
            let options = chunks[chunk][offset].options
            let hash: Int64
            if let hashedOptions, hashedOptions.options == options {
                hash = hashedOptions.hash
            } else {
                hash = hashes[options] ?? options.indexHash
                hashes[options] = hash
                hashedOptions = (options, hash)
            }
            guard hash == version.optionsHash else { return }
            guard let ctime = chunks[chunk][offset].plannedCtimeNanoseconds else {
                unstated.append(
                    Unstated(
                        position: Position(chunk: chunk, offset: offset),
                        ctimeNanoseconds: version.ctimeNanoseconds,
                        etag: CompactETag(etag()),
                        crc64: version.crc64
                    )
                )
                return
            }
            guard ctime == version.ctimeNanoseconds else { return }
            let skipped = SkippedSource(
                unchanged: chunks[chunk][offset],
                etag: CompactETag(etag()),
                crc64: version.crc64
            )
            unchanged.append(skipped)
            positions.append(Position(chunk: chunk, offset: offset))
        }
        if !unstated.isEmpty {
            let found = unstated
            let confirmed: [Bool] = DispatchQueue.concurrentMap(iterations: found.count) { i in
                let job = chunks[found[i].position.chunk][found[i].position.offset]
                guard let status = try? FileStatus.stat(job.source) else { return false }
                return status.ctimeNanoseconds == found[i].ctimeNanoseconds && SourceIdentity(status) == job.identity
            }
            // Rare (a plan from elsewhere): merged into plan order through a sort of the lot.
            var all = zip(positions, unchanged).map { ($0, $1) }
            for (item, confirmed) in zip(found, confirmed) where confirmed {
                let job = chunks[item.position.chunk][item.position.offset]
                all.append((item.position, SkippedSource(unchanged: job, etag: item.etag, crc64: item.crc64)))
            }
            all.sort { ($0.0.chunk, $0.0.offset) < ($1.0.chunk, $1.0.offset) }
            (positions, unchanged) = (all.map(\.0), all.map(\.1))
        }
        var result = Result()
        guard !unchanged.isEmpty else { return result }
        // Per chunk, the offsets of its unchanged jobs, ascending.
        var dropped = [[Int]](repeating: [], count: chunks.count)
        for (position, skipped) in zip(positions, unchanged) {
            dropped[position.chunk].append(position.offset)
            result.files += 1
            result.bytes += skipped.job.size
        }
        plan.jobs = JobList(
            chunks: zip(chunks, dropped).map { chunk, dropped in
                guard !dropped.isEmpty else { return chunk }
                guard dropped.count < chunk.count else { return [] }
                var kept: [UploadJob] = []
                kept.reserveCapacity(chunk.count - dropped.count)
                var next = 0
                for i in chunk.indices {
                    if next < dropped.count, dropped[next] == i { next += 1 } else { kept.append(chunk[i]) }
                }
                return kept
            }
        )
        plan.skipped = merge(plan.skipped, unchanged)
        return result
    }

    /// Two key-sorted lists as one.
    private static func merge(_ a: [SkippedSource], _ b: [SkippedSource]) -> [SkippedSource] {
        guard !a.isEmpty else { return b }
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
