import LocalFiles
import OSSKit

/// Turns found files straight into `UploadJob`s (no intermediate list: a 200,000-file plan would
/// otherwise hold every path twice), remembering which entry each came from.
struct JobCollector {
    private(set) var jobs: [UploadJob] = []
    /// `origins[i]` is the index of the manifest entry that produced `jobs[i]`.
    private(set) var origins: [Int] = []
    /// Files too large for one OSS object: (entry, path, size).
    private(set) var oversized: [(entry: Int, path: String, size: Int64)] = []

    private let templates: [ObjectOptionsTemplate]
    private let partSize: Int64
    private let threshold: Int64

    init(manifest: Manifest) {
        templates = manifest.files.map { ObjectOptionsTemplate($0.options.over(manifest.defaults)) }
        partSize = manifest.upload.partSize
        threshold = manifest.upload.multipartThreshold
    }

    var count: Int { jobs.count }

    /// Room for `additional` more jobs: growing by doubling would briefly hold the old and new arrays.
    mutating func reserve(additional: Int) {
        jobs.reserveCapacity(jobs.count + additional)
        origins.reserveCapacity(origins.count + additional)
    }

    mutating func add(key: String, entry: Int, absolute: String, status: FileStatus) {
        guard let method = PartPlanner.method(size: status.size, partSize: partSize, threshold: threshold) else {
            oversized.append((entry, absolute, status.size))
            return
        }
        let identity = SourceIdentity(size: status.size, mtimeNanoseconds: status.mtimeNanoseconds,
                                      inode: status.inode, device: status.device)
        jobs.append(UploadJob(source: absolute, key: key, identity: identity,
                              options: templates[entry].options(forFileName: absolute), method: method))
        origins.append(entry)
    }

    /// Sorts jobs by key bytes. Each walk yields its keys in order already, so this is a linear check
    /// unless entries interleave.
    mutating func sortByKey() {
        let precedes = { (a: UploadJob, b: UploadJob) in a.key.utf8.lexicographicallyPrecedes(b.key.utf8) }
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
