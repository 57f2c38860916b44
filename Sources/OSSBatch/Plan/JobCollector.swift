import LocalFiles
import OSSKit

/// The per-file half of planning: turns one found file into an `UploadJob` (or says why it cannot be
/// one). Pure and `Sendable`, so the directory walk runs it on the thread that found the file.
struct JobFactory: Sendable {
    /// What a file becomes.
    enum Outcome: Sendable {
        case job(UploadJob)
        /// Larger than one OSS object can be.
        case oversized(path: String, size: Int64)
        /// The key breaks OSS's rules; the text says which.
        case badKey(path: String, problem: String)

        /// The local file this outcome is about.
        var path: String {
            switch self {
            case .job(let job): job.source
            case .oversized(let path, _), .badKey(let path, _): path
            }
        }
    }

    private let templates: [ObjectOptionsTemplate]
    private let partSize: Int64
    private let threshold: Int64

    init(manifest: Manifest) {
        templates = manifest.files.map { ObjectOptionsTemplate($0.options.over(manifest.defaults)) }
        partSize = manifest.upload.partSize
        threshold = manifest.upload.multipartThreshold
    }

    func make(key: String, entry: Int, absolute: String, status: FileStatus) -> Outcome {
        if let problem = ObjectKey.problem(with: key) { return .badKey(path: absolute, problem: problem) }
        guard let method = PartPlanner.method(size: status.size, partSize: partSize, threshold: threshold) else {
            return .oversized(path: absolute, size: status.size)
        }
        let identity = SourceIdentity(size: status.size, mtimeNanoseconds: status.mtimeNanoseconds,
                                      inode: status.inode, device: status.device)
        return .job(UploadJob(source: absolute, key: key, identity: identity,
                              options: templates[entry].options(forFileName: absolute), method: method))
    }
}

/// Gathers every entry's jobs in order, remembering which entry each came from.
struct JobCollector {
    private(set) var jobs: [UploadJob] = []
    /// `origins[i]` is the index of the manifest entry that produced `jobs[i]`.
    private(set) var origins: [Int] = []
    /// Files too large for one OSS object: (entry, path, size).
    private(set) var oversized: [(entry: Int, path: String, size: Int64)] = []
    /// How many entries produced at least one job (entries are expanded one after another): keys from
    /// one entry are unique and already in order.
    private var contributingEntries = 0

    /// Room for `additional` more jobs: growing by doubling would briefly hold the old and new arrays.
    private mutating func reserve(additional: Int) {
        jobs.reserveCapacity(jobs.count + additional)
        origins.reserveCapacity(origins.count + additional)
    }

    /// Takes one file's outcome; a bad key becomes a problem of the entry.
    mutating func add(_ outcome: JobFactory.Outcome, entry: Int, problems: inout [String]) {
        switch outcome {
        case .job(let job):
            if origins.last != entry { contributingEntries += 1 }
            jobs.append(job)
            origins.append(entry)
        case .oversized(let path, let size):
            oversized.append((entry, path, size))
        case .badKey(_, let problem):
            problems.append(problem)
        }
    }

    /// Takes a walk's jobs, in order. Each chunk is freed once copied, so the plan is never held twice.
    mutating func add(jobs chunks: consuming [[UploadJob]], entry: Int) {
        let total = chunks.reduce(0) { $0 + $1.count }
        guard total > 0 else { return }
        reserve(additional: total)
        if origins.last != entry { contributingEntries += 1 }
        for index in chunks.indices {
            jobs += chunks[index]
            chunks[index] = []
        }
        origins += repeatElement(entry, count: total)
    }

    /// Whether jobs from different entries may interleave or collide (so sorting and the duplicate check are needed).
    var mixesEntries: Bool { contributingEntries > 1 }

    /// Sorts jobs by key bytes. Each walk yields its keys in order already, so this is a linear check
    /// unless entries interleave.
    mutating func sortByKey() {
        guard mixesEntries else { return }
        let precedes = { (a: UploadJob, b: UploadJob) in ByteOrder.precedes(a.key, b.key) }
        if jobs.isSorted(by: precedes) { return }
        let order = jobs.indices.sorted { precedes(jobs[$0], jobs[$1]) }
        jobs = order.map { jobs[$0] }
        origins = order.map { origins[$0] }
    }

    /// Hands the jobs over.
    consuming func finish() -> [UploadJob] { jobs }
}

extension Array {
    /// Whether no element precedes the one before it (O(n)).
    func isSorted(by areInIncreasingOrder: (Element, Element) -> Bool) -> Bool {
        guard count > 1 else { return true }
        for i in 1..<count where areInIncreasingOrder(self[i], self[i - 1]) { return false }
        return true
    }
}
