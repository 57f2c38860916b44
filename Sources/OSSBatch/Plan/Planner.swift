import Foundation
import LocalFiles

/// Expands a `Manifest` into a `Plan`: resolves the target, finds every file, maps keys, checks them,
/// and fixes each file's upload method. All problems are reported together as a `ManifestError`.
///
/// Planning is synchronous file-system work (a directory's subdirectories are walked on Dispatch's
/// worker threads); call it before starting the batch, not from a latency-sensitive task.
package struct Planner: Sendable {
    package var overrides: TargetOverrides
    /// Where the checkpoints go when the manifest names no `checkpoint_dir`.
    package var state: StateDirectory
    /// What placeholders in keys stand for; read once, so every key of the plan has the same moment.
    package var placeholders: PlaceholderValues
    /// The shard to plan (`--shard`), or `nil` for the whole batch. Under `upload.shard_split: directories`
    /// the walk looks only at the shard's files; under `balanced` the whole plan is made, then cut.
    package var shard: Shard?

    /// Key collisions reported one by one; the rest are counted.
    static let duplicateLimit = 1000

    package init(
        overrides: TargetOverrides = .none,
        state: StateDirectory = .resolve(),
        placeholders: PlaceholderValues? = nil,
        shard: Shard? = nil
    ) {
        self.overrides = overrides
        self.state = state
        self.shard = shard
        self.placeholders =
            placeholders
            ?? PlaceholderValues(
                now: Date(),
                hostname: HostName.current,
                environment: ProcessInfo.processInfo.environment
            )
    }

    /// Loads the manifest at `path`, with `settings` (`--set`) applied, and plans it (`shard`'s part only,
    /// when given).
    package static func plan(
        manifestAt path: String,
        overrides: TargetOverrides = .none,
        settings: [ManifestSetting] = [],
        placeholders: PlaceholderValues? = nil,
        state: StateDirectory = .resolve(),
        shard: Shard? = nil
    ) throws(ManifestError) -> Plan {
        try Planner(overrides: overrides, state: state, placeholders: placeholders, shard: shard)
            .plan(ManifestLoader.load(path: path, settings: settings))
    }

    /// Expands a loaded manifest against the files as they are now: the whole batch, or the part of
    /// `shard` as `upload.shard_split` says.
    package func plan(_ manifest: Manifest) throws(ManifestError) -> Plan {
        guard let shard else { return try plan(manifest, walking: nil) }
        switch manifest.shardSplit {
        case .balanced:
            return try plan(manifest, walking: nil).sharded(shard)
        case .directories:
            return try plan(manifest, walking: shard)
        }
    }

    /// The plan of every file, or the part of the shard `walking` split by directories: only the files of
    /// its directories are looked at, and its plan records the shard.
    private func plan(_ manifest: Manifest, walking shard: Shard?) throws(ManifestError) -> Plan {
        var diagnostics: [Diagnostic] = []
        var warnings: [Diagnostic] = []
        let target = TargetResolver(section: manifest.target, overrides: overrides)
            .resolve(into: &diagnostics)
        let keys = KeyResolver(manifest: manifest, values: placeholders).resolve(into: &diagnostics)
        var collector = JobCollector()
        let factory = JobFactory(manifest: manifest)
        // Expanders for every entry, so positions and marks stay those of the manifest; an entry whose key
        // could not be resolved is not walked (its error is reported already).
        let expanders = manifest.files.enumerated().map {
            EntryExpander(
                entry: keys.entries[$0] ?? $1,
                index: $0,
                manifest: manifest,
                factory: factory,
                shard: shard
            )
        }
        // (An entry left out makes `diagnostics` non-empty, so the plan is never made with a short `entries`.)
        let entries = expanders.enumerated().compactMap { index, expander in
            keys.entries[index] == nil
                ? nil : expander.expand(into: &collector, diagnostics: &diagnostics, warnings: &warnings)
        }
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
            let marks = expanders.map(\.keyMark)
            if collector.jobsMixEntries {
                reportDuplicates(collector.jobs, origins: collector.origins, marks: marks, into: &diagnostics)
            }
            reportSkippedDuplicates(collector, marks: marks, into: &diagnostics)
        }
        let (jobs, skipped) = collector.finish()
        guard diagnostics.isEmpty, let target else { throw ManifestError(diagnostics) }
        var settings = manifest.upload
        settings.checkpointDir =
            settings.checkpointDir.isEmpty
            ? state.checkpoints(batch: Plan.directoryName(forBatch: manifest.batchName))
            : PathResolver.absolute(settings.checkpointDir, relativeTo: manifest.directory)
        settings.retry.maxDelay = max(settings.retry.maxDelay, settings.retry.baseDelay)
        let credentials = manifest.target.credentials.flatMap {
            CredentialsSource($0, manifestDirectory: manifest.directory)
        }
        var shardInfo: ShardInfo?
        if let shard {
            settings.checkpointDir = shard.checkpointDirectory(in: settings.checkpointDir)
            shardInfo = ShardInfo(
                shard: shard,
                split: .directories,
                partitionID: DirectorySplit.partitionID(
                    count: shard.count,
                    entries: manifest.files,
                    defaults: manifest.defaults
                )
            )
        }
        if let share = settings.bandwidthShare, share < UploadSettings.smallestBandwidthShare {
            // Not refused: a batch of small files sends each body in a few seconds, under any share.
            warnings.append(
                .warning(
                    manifest.bandwidthMark ?? SourceMark(file: manifest.path),
                    "upload.bandwidth (\(ByteSize.format(settings.bandwidth))/s) shared by upload.concurrency "
                        + "(\(settings.concurrency)) leaves each request \(ByteSize.format(share))/s when all are "
                        + "sending; one slower than 1 KiB/s for 30 s is ended as stalled, so large files may fail on "
                        + "a working service: give bandwidth at least "
                        + "\(ByteSize.format(Int64(settings.concurrency) * UploadSettings.smallestBandwidthShare))/s "
                        + "or a lower concurrency"
                )
            )
        }
        return Plan(
            manifestPath: manifest.path,
            target: target,
            upload: settings,
            credentials: credentials,
            allowEmpty: manifest.allowEmpty,
            jobs: jobs,
            name: manifest.batchName,
            keyResolution: keys.resolution,
            skipped: skipped,
            entries: entries,
            warnings: (keys.warnings + warnings).sorted(),
            shard: shardInfo
        )
    }

    private func reportDuplicates(
        _ sorted: JobList,
        origins: [Int],
        marks: [SourceMark],
        into diagnostics: inout [Diagnostic]
    ) {
        guard sorted.count > 1 else { return }
        var found = 0
        var firstMark: SourceMark?
        for i in 1..<sorted.count where sorted[i].objectKey == sorted[i - 1].objectKey {
            found += 1
            // Past the limit only count: two big directories mapped onto one prefix would otherwise build
            // one message per file.
            guard found <= Self.duplicateLimit else { continue }
            // Report at the later entry, naming the earlier one (the same entry cannot map two files to one key).
            let (a, b) = origins[i - 1] <= origins[i] ? (i - 1, i) : (i, i - 1)
            let first = marks[origins[a]]
            firstMark = firstMark ?? marks[origins[b]]
            diagnostics.append(
                Diagnostic(
                    marks[origins[b]],
                    "two files map to the key '\(sorted[i].key)': \(sorted[b].source) (this entry) and \(sorted[a].source) "
                        + "(the entry at line \(first.line ?? 0), column \(first.column ?? 0))"
                )
            )
        }
        if found > Self.duplicateLimit, let firstMark {
            let more = found - Self.duplicateLimit
            diagnostics.append(Diagnostic(firstMark, "… and \(more) more files map to keys another file has"))
        }
    }

    /// Skipped files have keys too: one that is also a job's, or another skipped file's, is the same
    /// collision (the report keeps one line per key). There are few, so each is looked up in the jobs.
    private func reportSkippedDuplicates(
        _ collector: JobCollector,
        marks: [SourceMark],
        into diagnostics: inout [Diagnostic]
    ) {
        let (jobs, skipped) = (collector.jobs, collector.skipped)
        func collision(_ key: String, _ a: (source: String, entry: Int), _ b: (source: String, entry: Int)) {
            let (first, second) = a.entry <= b.entry ? (a, b) : (b, a)
            let mark = marks[first.entry]
            diagnostics.append(
                Diagnostic(
                    marks[second.entry],
                    "two files map to the key '\(key)': \(second.source) (this entry) and \(first.source) "
                        + "(the entry at line \(mark.line ?? 0), column \(mark.column ?? 0))"
                )
            )
        }
        for (n, item) in skipped.enumerated() {
            let entry = collector.skippedOrigins[n]
            if n > 0 && skipped[n - 1].spec.objectKey == item.spec.objectKey {
                collision(
                    item.spec.key,
                    (skipped[n - 1].spec.source, collector.skippedOrigins[n - 1]),
                    (item.spec.source, entry)
                )
            }
            var low = 0
            var high = jobs.count
            while low < high {
                let middle = (low + high) / 2
                if SplitPath.precedes(jobs[middle].objectKey, item.spec.objectKey) {
                    low = middle + 1
                } else {
                    high = middle
                }
            }
            if low < jobs.count && jobs[low].objectKey == item.spec.objectKey {
                collision(item.spec.key, (jobs[low].source, collector.origins[low]), (item.spec.source, entry))
            }
        }
    }
}
