import LocalFiles

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

    /// `device` is the file system's `StableDevice` number; `memo` is the calling thread's (see
    /// `ObjectOptionsTemplate.Memo`); `keyNamesAnObject` as in `ObjectKey.problem(with:namesAnObject:)`.
    func make(
        key: SplitPath,
        entry: Int,
        source: SplitPath,
        status: FileStatus,
        device: UInt64,
        keyNamesAnObject: Bool = true,
        memo: inout ObjectOptionsTemplate.Memo
    ) -> Outcome {
        if let problem = ObjectKey.problem(with: key, namesAnObject: keyNamesAnObject) {
            return .badKey(path: source.path, problem: problem)
        }
        guard let method = PartPlanner.method(size: status.size, partSize: partSize, threshold: threshold) else {
            return .oversized(path: source.path, size: status.size)
        }
        let identity = SourceIdentity(status, device: device)
        var job = UploadJob(
            location: source,
            objectKey: key,
            identity: identity,
            options: templates[entry].options(forFileName: source.name, memo: &memo),
            method: method
        )
        job.plannedCtimeNanoseconds = status.ctimeNanoseconds
        return .job(job)
    }
}
