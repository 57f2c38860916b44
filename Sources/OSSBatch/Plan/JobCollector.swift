/// Gathers every entry's jobs in order, remembering which entry each came from. A walk's chunks are
/// kept as they are (see `JobList`); they are merged only when entries interleave and must be sorted.
struct JobCollector {
    private var chunks: [[UploadJob]] = []
    /// Whether the last chunk holds single files added one by one, so the next one may join it.
    private var lastChunkTakesSingles = false
    /// `origins[i]` is the index of the manifest entry that produced job `i`.
    private(set) var origins: [Int] = []
    /// Files too large for one OSS object: (entry, path, size).
    private(set) var oversized: [(entry: Int, path: String, size: Int64)] = []
    /// Jobs per entry, for the entries that produced any (entries are expanded one after another: keys
    /// from one entry are unique and already in order).
    private var perEntry: [Int: Int] = [:]
    /// Files found but not to be uploaded, and the entry of each (sorted by key after `sortByKey`).
    private(set) var skipped: [ReportJob] = []
    private(set) var skippedOrigins: [Int] = []
    /// Whether skipped files come from more than one entry (so their keys may interleave or collide).
    private var skippedEntries: Set<Int> = []

    /// Takes one file's outcome; a bad key becomes a problem of the entry.
    mutating func add(_ outcome: JobFactory.Outcome, entry: Int, problems: inout [String]) {
        switch outcome {
        case .job(let job):
            perEntry[entry, default: 0] += 1
            if lastChunkTakesSingles {
                chunks[chunks.count - 1].append(job)
            } else {
                chunks.append([job])
                lastChunkTakesSingles = true
            }
            origins.append(entry)
        case .oversized(let path, let size):
            oversized.append((entry, path, size))
        case .badKey(_, let problem):
            problems.append(problem)
        }
    }

    /// Takes a walk's jobs, in order, without copying them.
    mutating func add(jobs walked: [[UploadJob]], entry: Int) {
        let total = walked.reduce(0) { $0 + $1.count }
        guard total > 0 else { return }
        perEntry[entry, default: 0] += total
        chunks += walked.filter { !$0.isEmpty }
        lastChunkTakesSingles = false
        origins += repeatElement(entry, count: total)
    }

    /// Takes a file that is found but not to be uploaded (each entry's in key order).
    mutating func add(skipped item: ReportJob, entry: Int) {
        skipped.append(item)
        skippedOrigins.append(entry)
        skippedEntries.insert(entry)
    }

    /// How many jobs `entry` produced.
    func count(of entry: Int) -> Int { perEntry[entry] ?? 0 }

    /// Whether jobs or skipped files come from different entries, so that keys may collide (one entry's
    /// keys are unique) and the duplicate check is needed.
    var mixesEntries: Bool { skippedEntries.union(perEntry.keys).count > 1 }

    /// Whether the jobs come from different entries, so that two jobs' keys may collide. A second entry of
    /// skipped files alone (a broken link, an unreadable file) leaves the jobs one entry's: only the skipped
    /// files' keys are checked then (a pass over every job's key, 20 ms on one core for 200,000, 2026-12-06).
    var jobsMixEntries: Bool { perEntry.count > 1 }

    /// The jobs so far, in the order they came (sorted after `sortByKey`).
    var jobs: JobList { JobList(chunks: chunks) }

    /// Sorts jobs (and skipped files) by key bytes. Each walk yields its keys in order already, so this is a
    /// linear check unless entries interleave; either way the chunks become one array.
    mutating func sortByKey() {
        if skippedEntries.count > 1 {
            let order = skipped.indices.sorted {
                SplitPath.precedes(skipped[$0].spec.objectKey, skipped[$1].spec.objectKey)
            }
            skipped = order.map { skipped[$0] }
            skippedOrigins = order.map { skippedOrigins[$0] }
        }
        guard perEntry.count > 1 else { return }
        var jobs: [UploadJob] = []
        jobs.reserveCapacity(origins.count)
        // Each chunk is freed once copied, so the plan is never held twice.
        for index in chunks.indices {
            jobs += chunks[index]
            chunks[index] = []
        }
        let precedes = { (a: UploadJob, b: UploadJob) in SplitPath.precedes(a.objectKey, b.objectKey) }
        if !jobs.isSorted(by: precedes) {
            let order = jobs.indices.sorted { precedes(jobs[$0], jobs[$1]) }
            jobs = order.map { jobs[$0] }
            origins = order.map { origins[$0] }
        }
        chunks = [jobs]
        lastChunkTakesSingles = false
    }

    /// Hands the jobs and the skipped files over.
    consuming func finish() -> (JobList, [ReportJob]) { (JobList(chunks: chunks), skipped) }
}

extension Array {
    /// Whether no element precedes the one before it (O(n)).
    func isSorted(by areInIncreasingOrder: (Element, Element) -> Bool) -> Bool {
        guard count > 1 else { return true }
        for i in 1..<count where areInIncreasingOrder(self[i], self[i - 1]) { return false }
        return true
    }
}
