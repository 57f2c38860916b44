import LocalFiles

/// Expands a `Manifest` into a `Plan`: resolves the target, finds every file, maps keys, checks them,
/// and fixes each file's upload method. All problems are reported together as a `ManifestError`.
///
/// Planning is synchronous file-system work (a directory's subdirectories are walked on Dispatch's
/// worker threads); call it before starting the batch, not from a latency-sensitive task.
public struct Planner: Sendable {
    public var overrides: TargetOverrides

    public init(overrides: TargetOverrides = .none) {
        self.overrides = overrides
    }

    /// Loads the manifest at `path` and plans it.
    public static func plan(manifestAt path: String, overrides: TargetOverrides = .none) throws(ManifestError) -> Plan {
        try Planner(overrides: overrides).plan(ManifestLoader.load(path: path))
    }

    /// Expands a loaded manifest against the files as they are now.
    public func plan(_ manifest: Manifest) throws(ManifestError) -> Plan {
        var diagnostics: [Diagnostic] = []
        let target = TargetResolver(section: manifest.target, overrides: overrides)
            .resolve(into: &diagnostics)
        var collector = JobCollector()
        let factory = JobFactory(manifest: manifest)
        let expanders = manifest.files.enumerated().map {
            EntryExpander(entry: $1, index: $0, manifest: manifest, factory: factory)
        }
        for expander in expanders { expander.expand(into: &collector, diagnostics: &diagnostics) }
        for file in collector.oversized {
            diagnostics.append(
                Diagnostic(
                    expanders[file.entry].keyMark,
                    "\(file.path) is \(ByteSize.format(file.size)); the largest OSS object is \(ByteSize.format(PartPlanner.maximumObjectSize))"
                )
            )
        }
        collector.sortByKey()
        if collector.mixesEntries {
            reportDuplicates(
                collector.jobs,
                origins: collector.origins,
                marks: expanders.map(\.keyMark),
                into: &diagnostics
            )
        }
        let upload = manifest.upload
        let jobs = collector.finish()
        guard diagnostics.isEmpty, let target else { throw ManifestError(diagnostics) }
        var settings = UploadSettings(
            concurrency: upload.concurrency,
            filesInFlight: upload.filesInFlight,
            partSize: upload.partSize,
            multipartThreshold: upload.multipartThreshold,
            verify: upload.verify,
            checkpointDir: PathResolver.absolute(upload.checkpointDir, relativeTo: manifest.directory),
            retry: upload.retry,
            ifExists: upload.ifExists,
            bandwidth: upload.bandwidth
        )
        settings.retry.maxDelay = max(settings.retry.maxDelay, settings.retry.baseDelay)
        let credentials = manifest.target.credentials.map {
            CredentialsSource(
                file: PathResolver.absolute($0.file.value, relativeTo: manifest.directory),
                profile: $0.profile
            )
        }
        return Plan(
            manifestPath: manifest.path,
            target: target,
            upload: settings,
            credentials: credentials,
            allowEmpty: manifest.allowEmpty,
            jobs: jobs
        )
    }

    private func reportDuplicates(
        _ sorted: JobList,
        origins: [Int],
        marks: [SourceMark],
        into diagnostics: inout [Diagnostic]
    ) {
        guard sorted.count > 1 else { return }
        for i in 1..<sorted.count where sorted[i].objectKey == sorted[i - 1].objectKey {
            // Report at the later entry, naming the earlier one (the same entry cannot map two files to one key).
            let (a, b) = origins[i - 1] <= origins[i] ? (i - 1, i) : (i, i - 1)
            let first = marks[origins[a]]
            diagnostics.append(
                Diagnostic(
                    marks[origins[b]],
                    "two files map to the key '\(sorted[i].key)': \(sorted[b].source) (this entry) and \(sorted[a].source) "
                        + "(the entry at line \(first.line ?? 0), column \(first.column ?? 0))"
                )
            )
        }
    }
}
