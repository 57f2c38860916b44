import Dispatch
import Foundation
import LocalFiles
import OSSProtocol
import SQLite
import Synchronization

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
    private struct Position: Sendable, Comparable {
        var chunk: Int
        var offset: Int

        static func < (a: Position, b: Position) -> Bool { (a.chunk, a.offset) < (b.chunk, b.offset) }
    }

    /// A job the index vouches for, and what its skipped line records from the index.
    private struct Found: Sendable {
        var position: Position
        var etag: CompactETag
        var crc64: UInt64
    }

    /// A job the index vouches for whose ctime the plan does not have (a plan made elsewhere): stat'ed again.
    private struct Unstated: Sendable {
        var found: Found
        var ctimeNanoseconds: Int64
    }

    /// Below twice this many jobs the index is read whole (another connection and thread cost more than they
    /// save); above, in parts of at least this many jobs.
    package static let minimumToSplit = 4_096
    /// How many parts the index is read in at most: a few per core, so that a part that ends late (its core
    /// taken for a while by something else) is made up for by the others.
    static var maximumParts: Int { 4 * DispatchQueue.activeCores }

    /// How many parts the index is read in for a plan of `count` jobs (1: read whole).
    static func parts(for count: Int) -> Int { max(1, min(count / minimumToSplit, maximumParts)) }

    /// Moves the unchanged jobs of `plan` to `plan.skipped`. One pass over the index in key order beside
    /// the plan's sorted jobs (a merge, no lookups), reading each job in place in its chunk: a nightly run of
    /// an unchanged tree goes through every job, and copying each (its strings retained and released) or
    /// building its key and path as strings was most of the filter's time. A plan of many jobs is merged in
    /// parts at once, each with its stretch of the index (`UploadIndex.scanVersions(in:splits:)`); the parts
    /// keep only where their finds are, and the skipped list is made once, at the end (made by each part and
    /// joined, it was held one and a half times). The ctime is the planner's (a job without one, from
    /// elsewhere, is stat'ed again, in parallel).
    ///
    /// The jobs are moved into the skipped list, not copied: taken off the end of chunks the filter alone
    /// holds (`popLast` moves), a chunk at a time, and set in plan order again. Copied, each
    /// job's strings and options were retained and the plan's copies released: objects the walk made on other
    /// cores, scattered in memory, touched twice each (750 ns a job on a night of 200,000 unchanged files,
    /// perf, 2026-12-03). The chunks are shared out among the cores, each writing its jobs' lines straight
    /// into their stretch of the one skipped list (`Array(filledInParts:)`): on one core, those moves and the
    /// list's first touch of its memory were the run's one busy core (perf, 2026-12-06).
    package static func apply(to plan: inout Plan, index: UploadIndex) throws(SQLiteError) -> Result {
        // Ascending positions, in lists that follow one another.
        let found = try self.found(in: plan.jobs, index: index, acceptingFound: plan.upload.ifExists == .skip)
        let total = found.reduce(0) { $0 + $1.count }
        guard total > 0 else { return Result() }
        let chunks = plan.jobs.chunks
        // Room for every line of the report: it lays the jobs that stay out among these lines, in this list
        // (`Report(consuming:)`). Pages of the room are touched only if it is used.
        let capacity = plan.jobs.count + plan.skipped.count
        // The files the walk skipped (unreadable, broken links, ...: few) are copied into their places among
        // the unchanged ones. Merged afterwards, one such file made all 200,000 lines be copied, one by one
        // (their strings retained), on one core: 65 ms a night (2026-12-06).
        let earlier = plan.skipped
        let moves = Moves(found: found, chunks: chunks, earlier: earlier)
        plan.jobs = []
        plan.skipped = []
        // The chunks handed over (consumed: a second reference to them would make the parts copy each chunk
        // instead of moving its jobs out): each taken by the one part that moves its jobs, alone holding it then.
        let store = Mutex(consume chunks)
        let bytes = Mutex([Int64](repeating: 0, count: moves.outputs.count))
        let skipped = [ReportJob](filledInParts: moves.outputs, reservingCapacity: capacity) { k, out in
            let moved = moves.move(part: k, of: store, earlier: earlier, to: &out)
            bytes.withLock { $0[k] = moved }
        }
        let kept = store.withLock { chunks in
            var taken: [[UploadJob]] = []
            swap(&taken, &chunks)
            return taken
        }
        plan.jobs = JobList(chunks: kept)
        plan.skipped = skipped
        return Result(files: total, bytes: bytes.withLock { $0.reduce(0, +) })
    }

    /// How the finds' jobs are moved out of the plan's chunks in parts at once: the chunks with finds cut into
    /// runs of about equal numbers of jobs, one per part, each part writing its finds' lines to its stretch
    /// of the skipped list, in plan order.
    private struct Moves: Sendable {
        /// The finds, ascending, in lists that follow one another (`found(in:index:)`).
        let found: [[Found]]
        /// Part `k` moves the finds of the chunks `chunks[k]`...
        let chunks: [Range<Int>]
        /// ...beginning with `found[first[k].list][first[k].index]`...
        let first: [(list: Int, index: Int)]
        /// ...with the lines the plan skipped before `earlier[k]` (`earlier[k + 1]`, or all: the last part)...
        let earlier: [Int]
        /// ...into the skipped list's stretch `outputs[k]`.
        let outputs: [Range<Int>]
        /// Where each line the plan skipped before goes: before the `ranks[j]`th find (the number of finds
        /// that sort before it).
        let ranks: [Int]

        /// The parts for the finds `found` among `chunks`, and the lines the plan skipped before (`earlier`),
        /// in key order.
        init(found: [[Found]], chunks planChunks: [[UploadJob]], earlier lines: [ReportJob]) {
            self.found = found
            // Each chunk's number of finds, and where its first one is.
            var finds = [Int](repeating: 0, count: planChunks.count)
            var start = [(list: Int, index: Int)](repeating: (0, 0), count: planChunks.count)
            for list in found.indices.reversed() {
                for index in found[list].indices.reversed() {
                    let chunk = found[list][index].position.chunk
                    finds[chunk] += 1
                    start[chunk] = (list, index)
                }
            }
            // Runs of whole chunks (a chunk is moved by one part): a few per core, so that a part that ends
            // late is made up for by the others.
            let jobs = planChunks.reduce(0) { $0 + $1.count }
            let parts = max(1, min(jobs / UnchangedFilter.minimumToSplit, UnchangedFilter.maximumParts))
            var (chunks, first, before) = ([Range<Int>](), [(list: Int, index: Int)](), [0])
            var (chunk, jobsBefore) = (0, 0)
            for k in 0..<parts where chunk < planChunks.count {
                let from = chunk
                let through = k == parts - 1 ? jobs : jobs * (k + 1) / parts
                var moved = 0
                repeat {
                    jobsBefore += planChunks[chunk].count
                    moved += finds[chunk]
                    chunk += 1
                } while chunk < planChunks.count && jobsBefore < through
                guard moved > 0 else { continue }
                let firstFind = (from..<chunk).first { finds[$0] > 0 }.map { start[$0] } ?? (0, 0)
                chunks.append(from..<chunk)
                first.append(firstFind)
                before.append(before[before.count - 1] + moved)
            }
            // A line skipped before goes after every find whose key sorts before it or is the same (as a merge
            // of the two lists takes the find first): found by halving, the finds being in key order.
            let total = before[before.count - 1]
            var lists = [0]
            for list in found { lists.append(lists[lists.count - 1] + list.count) }
            func key(ofFind g: Int) -> SplitPath {
                var list = 0
                while lists[list + 1] <= g { list += 1 }
                let position = found[list][g - lists[list]].position
                return planChunks[position.chunk][position.offset].objectKey
            }
            let ranks = lines.map { line in
                var (low, high) = (0, total)
                while low < high {
                    let middle = (low + high) / 2
                    if SplitPath.precedes(line.spec.objectKey, key(ofFind: middle)) {
                        high = middle
                    } else {
                        low = middle + 1
                    }
                }
                return low
            }
            // Part k takes the lines that go before its finds (after the previous part's), the last part also
            // those after every find.
            func firstLine(rankedFrom find: Int) -> Int {
                var (low, high) = (0, ranks.count)
                while low < high {
                    let middle = (low + high) / 2
                    if ranks[middle] >= find { high = middle } else { low = middle + 1 }
                }
                return low
            }
            let earlier = (0..<chunks.count).map { k in k == 0 ? 0 : firstLine(rankedFrom: before[k]) }
            let outputs = chunks.indices.map { k in
                let end = k == chunks.count - 1 ? total + lines.count : before[k + 1] + earlier[k + 1]
                return (before[k] + earlier[k])..<end
            }
            (self.chunks, self.first, self.earlier, self.outputs, self.ranks) =
                (chunks, first, earlier, outputs, ranks)
        }

        /// Part `k`'s moves: each of its chunks with finds taken from `store`, its jobs taken off its end
        /// (`popLast` moves, so last first) and set apart in two lists, then taken off those in turn, in plan
        /// order: the finds' lines to `out`, the others back into the chunk. Moved, never copied (`reverse()`
        /// on the chunk copied each job it swapped; placeholder lines filled first, each copied in and
        /// destroyed, were a third of this on a night of 200,000 unchanged files: perf 2026-12-06). The lines
        /// of `earlier` that go among them are copied in at their places. Returns the bytes of the finds.
        func move(
            part k: Int,
            of store: borrowing Mutex<[[UploadJob]]>,
            earlier lines: [ReportJob],
            to out: inout OutputSpan<ReportJob>
        ) -> Int64 {
            var (list, index) = first[k]
            var (line, lastLine) = (earlier[k], k == chunks.count - 1 ? lines.count : earlier[k + 1])
            // The plan's number of this part's first find: its stretch begins after the finds and the earlier
            // lines of the parts before.
            var find = outputs[k].lowerBound - earlier[k]
            var bytes: Int64 = 0
            var foundJobs: [UploadJob] = []
            var keptJobs: [UploadJob] = []
            var here: [Found] = []
            for c in chunks[k] {
                here.removeAll(keepingCapacity: true)
                while list < found.count {
                    guard index < found[list].count else {
                        (list, index) = (list + 1, 0)
                        continue
                    }
                    guard found[list][index].position.chunk == c else { break }
                    here.append(found[list][index])
                    index += 1
                }
                guard !here.isEmpty else { continue }
                var jobs = store.withLock { chunks in
                    var taken: [UploadJob] = []
                    swap(&taken, &chunks[c])
                    return taken
                }
                var f = here.count - 1
                var offset = jobs.count
                while let job = jobs.popLast() {
                    offset -= 1
                    if f >= 0, here[f].position.offset == offset {
                        foundJobs.append(consume job)
                        f -= 1
                    } else {
                        keptJobs.append(consume job)
                    }
                }
                // Every find was a job of this chunk.
                precondition(f < 0 && foundJobs.count == here.count, "the unchanged finds out of plan order")
                for item in here {
                    guard let job = foundJobs.popLast() else { break }
                    while line < lastLine && ranks[line] <= find {
                        out.append(lines[line])
                        line += 1
                    }
                    bytes += job.size
                    out.append(ReportJob(unchanged: consume job, etag: item.etag, crc64: item.crc64))
                    find += 1
                }
                var kept: [UploadJob] = []
                kept.reserveCapacity(keptJobs.count)
                while let job = keptJobs.popLast() { kept.append(consume job) }
                store.withLock { $0[c] = kept }
            }
            while line < lastLine {
                out.append(lines[line])
                line += 1
            }
            return bytes
        }
    }

    /// The positions of the jobs of `jobs` the index vouches for, ascending, with what their skipped lines
    /// record, in lists that follow one another (one per part of the index read).
    ///
    /// `acceptingFound`: entries of objects ossbatch found identical rather than sent (`IndexEntry.optionsUnknown`)
    /// count too (under `if_exists: skip`, which keeps such an object whatever its options).
    private static func found(
        in jobs: JobList,
        index: UploadIndex,
        acceptingFound: Bool
    ) throws(SQLiteError) -> [[Found]] {
        let chunks = jobs.chunks
        let count = jobs.count
        guard count > 0 else { return [] }
        // Only the plan's stretch of keys: an index also holds other prefixes' keys (other hosts, other
        // nights' dated snapshots), and reading them all made every night slower than the last.
        let (lastChunk, lastOffset) = jobs.place(of: count - 1)
        let first = chunks[0][0].objectKey.path
        let last = chunks[lastChunk][lastOffset].objectKey.path
        let start = Position(chunk: 0, offset: 0)
        let end = Position(chunk: chunks.count, offset: 0)
        var merges: [Merge]
        let parts = parts(for: count)
        if parts > 1 {
            // Cut at jobs: each part's keys are read from the index by a connection of its own.
            let bounds =
                [start]
                + (1..<parts).map { k in
                    let (chunk, offset) = jobs.place(of: count * k / parts)
                    return Position(chunk: chunk, offset: offset)
                } + [end]
            merges = try index.scanVersions(
                in: (0..<parts).map {
                    Merge(chunks, from: bounds[$0], to: bounds[$0 + 1], acceptingFound: acceptingFound)
                },
                from: first,
                splits: bounds[1..<parts].map { chunks[$0.chunk][$0.offset].objectKey.path },
                through: last
            )
        } else {
            var whole = Merge(chunks, from: start, to: end, acceptingFound: acceptingFound)
            try index.scanVersions(from: first, through: last) { whole.read($0, etag: $1) }
            merges = [whole]
        }
        let unstated = merges.flatMap(\.unstated)
        guard !unstated.isEmpty else { return merges.map(\.found) }
        let confirmed: [Bool] = DispatchQueue.concurrentMap(iterations: unstated.count) { i in
            let job = chunks[unstated[i].found.position.chunk][unstated[i].found.position.offset]
            guard let status = try? FileStatus.stat(job.source) else { return false }
            let now = SourceIdentity(status, comparableTo: job.identity) { FileSystemIdentity.of(path: job.source) }
            return status.ctimeNanoseconds == unstated[i].ctimeNanoseconds && now == job.identity
        }
        // Rare (a plan from elsewhere): merged into plan order through a sort of the lot.
        var all = merges.flatMap(\.found)
        for (item, confirmed) in zip(unstated, confirmed) where confirmed { all.append(item.found) }
        all.sort { $0.position < $1.position }
        return [all]
    }

    /// The merge of a stretch of the plan's jobs (from `position` to `end`) with the index entries of their
    /// keys: the jobs it found unchanged, in plan order.
    private struct Merge: UploadIndex.VersionReader {
        let chunks: [[UploadJob]]
        /// The next job to compare, and where this stretch ends.
        var position: Position
        let end: Position
        /// Whether entries of objects ossbatch found rather than sent count (`found(in:index:acceptingFound:)`).
        let acceptingFound: Bool
        var found: [Found] = []
        var unstated: [Unstated] = []
        /// Jobs share their options value: the last one's hash is almost always the one wanted. Kept apart,
        /// not as an optional pair: binding the pair to compare it copied it, retaining the options shared by
        /// every job, on every part's core at once.
        var lastOptions = ObjectOptions()
        var lastHash: Int64?
        var hashes: [ObjectOptions: Int64] = [:]
        /// The chunk the merge is in (`chunks[currentChunk]`), kept while it is: taken out of `chunks` for each
        /// row, it was retained and released twice a row.
        var current: [UploadJob] = []
        var currentChunk = -1

        init(_ chunks: [[UploadJob]], from start: Position, to end: Position, acceptingFound: Bool) {
            self.chunks = chunks
            position = start
            self.end = end
            self.acceptingFound = acceptingFound
        }

        mutating func read(_ version: UploadIndex.Version, etag: () -> [UInt8]) {
            var (chunk, offset) = (position.chunk, position.offset)
            defer { position = Position(chunk: chunk, offset: offset) }
            func atEnd() -> Bool { chunk > end.chunk || (chunk == end.chunk && offset >= end.offset) }
            var order = 1
            while !atEnd() {
                if chunk != currentChunk { (current, currentChunk) = (chunks[chunk], chunk) }
                // Through a span, which lends the job where it is (a subscript copied it, retaining its strings).
                order = current.span[offset].objectKey.order(against: version.key)
                guard order < 0 else { break }
                offset += 1
                if offset == current.count { (chunk, offset) = (chunk + 1, 0) }
            }
            guard !atEnd(), order == 0 else { return }
            // A local copy to lend from (one retain a row): a span of `self.current` would hold `self` while
            // the options' hashes and the finds are stored.
            let current = current
            let jobs = current.span
            guard jobs[offset].identity == version.identity,
                ByteOrder.equals(jobs[offset].location.name.utf8.span, version.name.span),
                ByteOrder.equals(jobs[offset].location.directory.utf8.span, version.directory.utf8.span)
            else { return }
            // The options compared where they are: taken out first, they were retained and released for every
            // row, on every part's core at once, all of them the same shared object.
            let hash: Int64
            if let lastHash, jobs[offset].options == lastOptions {
                hash = lastHash
            } else {
                let options = jobs[offset].options
                hash = hashes[options] ?? options.indexHash
                hashes[options] = hash
                (lastOptions, lastHash) = (options, hash)
            }
            // An entry made with `forbid_overwrite` before it left the hash counts too (rare: computed then only),
            // and under `if_exists: skip` one of an object ossbatch found identical rather than sent.
            guard
                hash == version.optionsHash || jobs[offset].options.matchesIndexHash(version.optionsHash)
                    || (acceptingFound && version.optionsHash == IndexEntry.optionsUnknown)
            else { return }
            let here = Found(
                position: Position(chunk: chunk, offset: offset),
                etag: CompactETag(utf8: etag()),
                crc64: version.crc64
            )
            guard let ctime = jobs[offset].plannedCtimeNanoseconds else {
                unstated.append(Unstated(found: here, ctimeNanoseconds: version.ctimeNanoseconds))
                return
            }
            if ctime == version.ctimeNanoseconds { found.append(here) }
        }
    }
}
