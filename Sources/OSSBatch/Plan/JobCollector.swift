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
    /// How many entries produced at least one job (entries are expanded one after another): keys from
    /// one entry are unique and already in order.
    private var contributingEntries = 0

    /// Takes one file's outcome; a bad key becomes a problem of the entry.
    mutating func add(_ outcome: JobFactory.Outcome, entry: Int, problems: inout [String]) {
        switch outcome {
        case .job(let job):
            if origins.last != entry { contributingEntries += 1 }
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
        if origins.last != entry { contributingEntries += 1 }
        chunks += walked.filter { !$0.isEmpty }
        lastChunkTakesSingles = false
        origins += repeatElement(entry, count: total)
    }

    /// Whether jobs from different entries may interleave or collide (so sorting and the duplicate check are needed).
    var mixesEntries: Bool { contributingEntries > 1 }

    /// The jobs so far, in the order they came (sorted after `sortByKey`).
    var jobs: JobList { JobList(chunks: chunks) }

    /// Sorts jobs by key bytes. Each walk yields its keys in order already, so this is a linear check
    /// unless entries interleave; either way the chunks become one array.
    mutating func sortByKey() {
        guard mixesEntries else { return }
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

    /// Hands the jobs over.
    consuming func finish() -> JobList { JobList(chunks: chunks) }
}

extension Array {
    /// Whether no element precedes the one before it (O(n)).
    func isSorted(by areInIncreasingOrder: (Element, Element) -> Bool) -> Bool {
        guard count > 1 else { return true }
        for i in 1..<count where areInIncreasingOrder(self[i], self[i - 1]) { return false }
        return true
    }
}
