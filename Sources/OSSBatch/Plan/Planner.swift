import LocalFiles
import OSSKit

/// Expands a `Manifest` into a `Plan`: resolves the target, finds every file, maps keys, checks them,
/// and fixes each file's upload method. All problems are reported together as a `ManifestError`.
public struct Planner: Sendable {
    public var overrides: TargetOverrides

    public init(overrides: TargetOverrides = .none) {
        self.overrides = overrides
    }

    /// Loads the manifest at `path` and plans it.
    public static func plan(manifestAt path: String, overrides: TargetOverrides = .none) throws(ManifestError) -> Plan {
        try Planner(overrides: overrides).plan(ManifestLoader.load(path: path))
    }

    public func plan(_ manifest: Manifest) throws(ManifestError) -> Plan {
        var diagnostics: [Diagnostic] = []
        let target = TargetResolver(section: manifest.target, overrides: overrides, file: manifest.path)
            .resolve(into: &diagnostics)
        var candidates: [Candidate] = []
        for (index, entry) in manifest.files.enumerated() {
            let expander = EntryExpander(entry: entry, index: index, manifest: manifest)
            expander.expand(into: &candidates, diagnostics: &diagnostics)
        }
        candidates.sort { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }
        reportDuplicates(candidates, manifest: manifest, into: &diagnostics)
        let upload = manifest.upload
        var jobs: [UploadJob] = []
        jobs.reserveCapacity(candidates.count)
        let templates = manifest.files.map { ObjectOptionsTemplate($0.options.over(manifest.defaults)) }
        for candidate in candidates {
            let size = candidate.status.size
            guard let method = PartPlanner.method(size: size, partSize: upload.partSize, threshold: upload.multipartThreshold) else {
                diagnostics.append(Diagnostic(candidate.mark, "\(candidate.absolute) is \(ByteSize.format(size)); the largest OSS object is \(ByteSize.format(PartPlanner.maximumObjectSize))"))
                continue
            }
            let identity = SourceIdentity(size: size, mtimeNanoseconds: candidate.status.mtimeNanoseconds,
                                          inode: candidate.status.inode, device: candidate.status.device)
            jobs.append(UploadJob(source: candidate.absolute, key: candidate.key, identity: identity,
                                  options: templates[candidate.entry].options(forFileName: candidate.absolute),
                                  method: method))
        }
        guard diagnostics.isEmpty, let target else { throw ManifestError(diagnostics) }
        var settings = UploadSettings(
            concurrency: upload.concurrency, filesInFlight: upload.filesInFlight, partSize: upload.partSize,
            multipartThreshold: upload.multipartThreshold, verify: upload.verify,
            checkpointDir: PathResolver.absolute(upload.checkpointDir, relativeTo: manifest.directory),
            retry: upload.retry, ifExists: upload.ifExists, bandwidth: upload.bandwidth)
        settings.retry.maxDelay = max(settings.retry.maxDelay, settings.retry.baseDelay)
        let credentials = manifest.target.credentials.map {
            CredentialsSource(file: PathResolver.absolute($0.file.value, relativeTo: manifest.directory), profile: $0.profile)
        }
        return Plan(manifestPath: manifest.path, target: target, upload: settings, credentials: credentials,
                    allowEmpty: manifest.allowEmpty, jobs: jobs)
    }

    private func reportDuplicates(_ sorted: [Candidate], manifest: Manifest, into diagnostics: inout [Diagnostic]) {
        guard sorted.count > 1 else { return }
        for i in 1..<sorted.count where sorted[i].key == sorted[i - 1].key {
            let (a, b) = (sorted[i - 1], sorted[i])
            let (first, second) = a.mark.line ?? 0 <= b.mark.line ?? 0 ? (a, b) : (b, a)
            diagnostics.append(Diagnostic(second.mark,
                "two files map to the key '\(b.key)': \(second.absolute) (this entry) and \(first.absolute) "
                + "(the entry at line \(first.mark.line ?? 0), column \(first.mark.column ?? 0))"))
        }
    }
}

/// A file on its way to becoming a job.
struct Candidate {
    var key: String
    /// Where to point when this file's key is wrong: the entry's key, key_prefix or source node.
    var mark: SourceMark
    var entry: Int
    var absolute: String
    var status: FileStatus
}
