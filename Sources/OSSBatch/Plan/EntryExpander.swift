import LocalFiles
import Synchronization

/// Expands one `files:` entry into candidate files with their keys, or diagnostics pointing at the entry;
/// warnings for what the plan goes on past, and a summary of what the entry selected and passed over.
struct EntryExpander {
    let entry: FileEntry
    let index: Int
    let manifest: Manifest
    let factory: JobFactory
    /// The shard whose part this expansion plans, under `shard_split: directories`; `nil` for every file.
    var shard: Shard? = nil

    /// At most this many problems are listed per entry; a tree of bad names would otherwise drown the rest.
    /// Skipped files are listed up to the same number (the report has them all).
    static let problemLimit = 20

    private var followSymlinks: Bool { entry.options.over(manifest.defaults).followSymlinks ?? false }
    private var prefix: String { entry.keyPrefix?.value ?? "" }
    /// The entry as the manifest writes it: its `key` and `key_prefix` with their placeholders unresolved.
    private var written: FileEntry { manifest.files[index] }
    /// The directories this shard walks the files of (`nil`: all).
    private var ownership: DirectoryOwnership? {
        shard.map { DirectoryOwnership(shard: $0, keyPrefix: written.keyPrefix?.value ?? "") }
    }
    var keyMark: SourceMark { entry.key?.mark ?? entry.keyPrefix?.mark ?? selectorMark }
    private var selectorMark: SourceMark {
        switch entry.selector {
        case .source(let s): s.mark
        case .glob(let g): g.mark
        }
    }

    /// What one entry's expansion found, apart from its jobs (which go to the collector).
    private struct Expansion {
        var problems: [String] = []
        var keyProblems: [String] = []
        var skipped: [WalkSkip] = []
        var counts = WalkCounts()
        /// Files made into jobs or refused for their key or size.
        var selected = 0
        /// Whether the entry's files were looked through (a missing source or glob root was not).
        var walked = false
        /// How to say that the entry selects nothing.
        var emptyMessage = ""
    }

    func expand(
        into collector: inout JobCollector,
        diagnostics: inout [Diagnostic],
        warnings: inout [Diagnostic]
    ) -> EntrySummary {
        var found = Expansion()
        switch entry.selector {
        case .source(let source): expandSource(source, into: &collector, &found)
        case .glob(let glob): expandGlob(glob, into: &collector, &found)
        }
        let skipped = record(found.skipped, into: &collector, &found, warnings: &warnings)
        let skippedCount =
            skipped.files + skipped.directories + skipped.unnameable + skipped.brokenLinks + skipped.longKeys
        var problems = found.problems + found.keyProblems
        // Files left to other shards count: an entry selects nothing only when no shard gets a file of it.
        let selectedAnywhere = found.selected + skippedCount + found.counts.otherShardFiles
        if found.walked && selectedAnywhere == 0 && problems.isEmpty {
            if manifest.allowEmpty || entry.isOptional {
                // A note: the manifest says an empty entry is fine, so a night with nothing there is not one to
                // mail about (`--quiet` shows no notes; a warning made cron mail root every good night of the
                // template's `/var/backups` on a fresh install: review of c56b4e6). `plan` shows it.
                warnings.append(Diagnostic(selectorMark, found.emptyMessage, severity: .note))
            } else {
                problems.append(
                    found.emptyMessage + "; if that is fine, add 'optional: true' to the entry (or 'allow_empty: true')"
                )
            }
        }
        if found.walked {
            for (n, pattern) in entry.exclude.enumerated() where !found.counts.usedExcludes.contains(n) {
                warnings.append(
                    Diagnostic(pattern.mark, "exclude pattern '\(pattern.value)' matched nothing", severity: .note)
                )
            }
        }
        for problem in problems.prefix(Self.problemLimit) {
            diagnostics.append(Diagnostic(problem.hasPrefix("the object key") ? keyMark : selectorMark, problem))
        }
        if problems.count > Self.problemLimit {
            diagnostics.append(
                Diagnostic(selectorMark, "… and \(problems.count - Self.problemLimit) more problems in this entry")
            )
        }
        var summary = EntrySummary(mark: selectorMark, selector: selectorDescription)
        summary.files = collector.count(of: index)
        summary.excludedFiles = found.counts.excludedFiles
        summary.excludedDirectories = found.counts.excludedDirectories
        summary.links = found.counts.links
        summary.specialFiles = found.counts.specialFiles
        summary.unreadableFiles = skipped.files
        summary.unlistableDirectories = skipped.directories
        summary.unnameableItems = skipped.unnameable
        summary.brokenLinks = skipped.brokenLinks
        summary.longKeyFiles = skipped.longKeys
        summary.examinedFiles = found.counts.examinedFiles
        summary.otherShardFiles = found.counts.otherShardFiles
        return summary
    }

    private var selectorDescription: String {
        switch entry.selector {
        case .source(let s): "source '\(s.value)'"
        case .glob(let g): "glob '\(g.value)'"
        }
    }

    private func expandSource(_ source: Marked<String>, into collector: inout JobCollector, _ found: inout Expansion) {
        let absolute = PathResolver.absolute(source.value, relativeTo: manifest.directory)
        let status: FileStatus
        do {
            status = try FileStatus.stat(absolute)
        } catch {
            found.problems.append(
                error.doesNotExist
                    ? "source '\(source.value)' does not exist (looked for \(absolute))"
                    : "cannot use source '\(source.value)': \(error.reason)"
            )
            return
        }
        switch status.kind {
        case .directory:
            if entry.key != nil {
                found.problems.append(
                    "'key' names one object, but source '\(source.value)' is a directory; use 'key_prefix'"
                )
            }
            let filters = PathFilters(entry)
            found.emptyMessage = "source '\(source.value)' selects no files (looked in \(absolute))"
            walk(
                FileWalker(
                    followSymlinks: followSymlinks,
                    maximumDepth: nil,
                    filter: filters.isEmpty ? nil : WalkFilter(glob: nil, filters: filters),
                    onUnreadable: manifest.onUnreadable,
                    ownership: ownership
                ),
                root: absolute,
                status: status,
                into: &collector,
                &found
            )
        case .regular:
            let location = SplitPath(absolute)
            let key = SplitPath(entry.key?.value ?? prefix + location.name)
            let writtenKey = SplitPath(written.key?.value ?? (written.keyPrefix?.value ?? "") + location.name)
            if let shard, DirectorySplit.owner(ofKeyDirectory: writtenKey.directory, count: shard.count) != shard.index
            {
                found.counts.otherShardFiles += 1
                return
            }
            // Named directly: an unreadable file is the manifest's mistake, whatever `on_unreadable` says.
            guard FileStatus.isReadable(absolute) else {
                found.problems.append("cannot read source '\(source.value)' (\(absolute)): permission denied")
                return
            }
            var memo = ObjectOptionsTemplate.Memo()
            found.selected += 1
            collector.add(
                factory.make(
                    key: key,
                    entry: index,
                    source: location,
                    status: status,
                    device: StableDevice.of(path: absolute, device: status.device),
                    memo: &memo
                ),
                entry: index,
                problems: &found.keyProblems
            )
        default:
            found.problems.append(
                "source '\(source.value)' is \(status.kind.description), not a regular file or directory"
            )
        }
    }

    private func expandGlob(_ glob: Marked<String>, into collector: inout JobCollector, _ found: inout Expansion) {
        // The fixed leading directories are walked; the rest of the pattern is matched relative to them.
        var segments = glob.value.split(separator: "/", omittingEmptySubsequences: true)
        var fixed: [Substring] = []
        while segments.count > 1, let first = segments.first, !GlobPattern.hasWildcards(first) {
            fixed.append(first)
            segments.removeFirst()
        }
        let rootPrefix = glob.value.hasPrefix("/") ? "/" : ""
        let base = PathResolver.absolute(rootPrefix + fixed.joined(separator: "/"), relativeTo: manifest.directory)
        let pattern = GlobPattern(segments.joined(separator: "/"), anchored: true)
        found.emptyMessage = "glob '\(glob.value)' matches no files (searched \(base))"
        let status: FileStatus
        do {
            status = try FileStatus.stat(base)
        } catch {
            // Only a directory that is not there matches nothing. One this user may not search (a `0700` home
            // above it), an I/O error or a link loop is an error, as for a `source`: taken for "matches no
            // files", under `optional: true` it was a warning, the entry left out of the night, exit 0
            // (review of ca63f16).
            if error.doesNotExist {
                found.walked = true  // nothing there to match: the entry selects nothing
            } else {
                found.problems.append("cannot use glob '\(glob.value)': \(error.reason) (its directory \(base))")
            }
            return
        }
        guard status.kind == .directory else {
            found.walked = true  // nothing there to match: the entry selects nothing
            return
        }
        walk(
            FileWalker(
                followSymlinks: followSymlinks,
                maximumDepth: pattern.maximumDepth,
                filter: WalkFilter(glob: pattern, filters: PathFilters(entry)),
                onUnreadable: manifest.onUnreadable,
                ownership: ownership
            ),
            root: base,
            status: status,
            into: &collector,
            &found
        )
    }

    /// The `why` of an `unnameable` file whose key would start with `\` (its name, at the top of a source or
    /// glob with no key prefix): no object key can name it, as none can a name that is not UTF-8.
    private static let leadingBackslash = "its key would start with '\\'"

    /// How many items a walk skipped, by what they are.
    private struct SkippedCounts {
        /// Files that could not be read.
        var files = 0
        /// Directories that could not be listed.
        var directories = 0
        /// Files and directories whose names are not UTF-8.
        var unnameable = 0
        /// Followed symbolic links whose targets do not exist.
        var brokenLinks = 0
        /// Files whose keys would be longer than OSS allows.
        var longKeys = 0
    }

    /// Makes the skipped items' lines (their keys checked as any job's), each with a warning up to the limit.
    private func record(
        _ items: [WalkSkip],
        into collector: inout JobCollector,
        _ found: inout Expansion,
        warnings: inout [Diagnostic]
    ) -> SkippedCounts {
        var counts = SkippedCounts()
        guard !items.isEmpty else { return counts }
        let sorted = items.sorted { ByteOrder.precedes($0.relative, $1.relative) }
        var memo = ObjectOptionsTemplate.Memo()
        var recorded = 0
        for item in sorted {
            var status = item.status
            if item.isDirectory { status.size = 0 }  // stands for its files, whatever they hold
            let outcome = factory.make(
                key: SplitPath(prefix + item.relative),
                entry: index,
                source: item.source,
                status: status,
                device: item.device,
                keyNamesAnObject: !item.reason.keyIsShownOnly,
                memo: &memo
            )
            guard case .job(let job) = outcome else {
                collector.add(outcome, entry: index, problems: &found.keyProblems)
                continue
            }
            collector.add(skipped: ReportJob(skipped: job, reason: item.reason), entry: index)
            recorded += 1
            switch item.reason {
            case .unnameable: counts.unnameable += 1
            case .unlistable: counts.directories += 1
            case .brokenLink: counts.brokenLinks += 1
            case .keyTooLong: counts.longKeys += 1
            default: counts.files += 1
            }
            guard recorded <= Self.problemLimit else { continue }
            let what: String
            switch (item.reason, item.isDirectory) {
            case (.unnameable, _) where item.why == Self.leadingBackslash:
                what =
                    "the object key of \(item.source.path) would start with '\\', which OSS refuses; it is left out "
                    + "(rename it or give the entry a key_prefix)"
            case (.unnameable, let isDirectory):
                what =
                    "\(isDirectory ? "directory" : "file") name is not valid UTF-8: \(item.source.path); "
                    + (isDirectory ? "it is left out with whatever it holds" : "it is left out")
                    + " (OSS keys must be UTF-8)"
            case (.keyTooLong, _):
                what =
                    "the object key of \(item.source.path) would be \(job.objectKey.utf8Count) bytes, "
                    + "more than the \(ObjectKey.maximumBytes) OSS allows; it is left out"
            case (.brokenLink, _):
                what = "broken symbolic link \(item.source.path): its target cannot be reached; it is left out"
            case (.unlistable, _):
                what =
                    "cannot list directory \(item.source.path): \(item.why ?? "permission denied"); it is left out with whatever it holds"
            default:
                what = "cannot read \(item.source.path): \(item.why ?? "permission denied"); it is left out"
            }
            warnings.append(
                Diagnostic(
                    selectorMark,
                    what + " (upload.on_unreadable: skip; the run will exit 1)",
                    severity: .warning
                )
            )
        }
        if recorded > Self.problemLimit {
            warnings.append(
                Diagnostic(
                    selectorMark,
                    "… and \(recorded - Self.problemLimit) more files or directories this entry leaves out (the report lists them all as skipped)",
                    severity: .warning
                )
            )
        }
        return counts
    }
}

extension EntryExpander {
    /// Walks a directory, making a job of every file the walker's filter selects, on the walk's threads.
    private func walk(
        _ walker: FileWalker,
        root: String,
        status: FileStatus,
        into collector: inout JobCollector,
        _ found: inout Expansion
    ) {
        // Rejections are rare; they are gathered under a lock and put in path order afterwards.
        let rejections = Mutex<[(outcome: JobFactory.Outcome, file: FoundFile)]>([])
        let (factory, prefix, index) = (factory, prefix, index)
        let walk = walker.walk(root: root, rootStatus: status) {
            var memo = ObjectOptionsTemplate.Memo()
            // The key's directory part (prefix + the file's directory), made once per directory, not per file.
            var relativeDirectory: String?
            var keyDirectory = prefix
            return { file -> UploadJob? in
                // By bytes: `String`'s `!=` took a sibling spelled with a combining accent for the one spelled
                // with `é` (canonically equivalent, two directories), and its files got the other's keys.
                if relativeDirectory.map({ !ExactString.same($0, file.directory) }) ?? true {
                    relativeDirectory = file.directory
                    keyDirectory = prefix + file.directory
                }
                let outcome = factory.make(
                    key: SplitPath(directory: keyDirectory, name: file.name),
                    entry: index,
                    source: file.source,
                    status: file.status,
                    device: file.device,
                    memo: &memo
                )
                if case .job(let job) = outcome { return job }
                rejections.withLock { $0.append((outcome, file)) }
                return nil
            }
        }
        found.walked = true
        found.problems += walk.problems
        found.skipped += walk.skipped
        found.counts.add(walk.counts)
        var rejected: [JobFactory.Outcome] = []
        for (outcome, file) in rejections.withLock({ $0 }) {
            // A key too long for its file's path alone (the prefix leaves room), or starting with the `\` of a
            // name at the top of a source with no key prefix: the file's, not the manifest's mistake, judged as a
            // file that cannot be read. One deep path, or one file dropped into an upload folder, must not stop
            // every night's batch (review: exit 2, nothing sent, "1 error in the manifest").
            let tooLong =
                prefix.utf8.count + file.directory.utf8.count + file.name.utf8.count > ObjectKey.maximumBytes
                && prefix.utf8.count < ObjectKey.maximumBytes
            let backslash =
                prefix.isEmpty
                && (file.directory.isEmpty ? file.name : file.directory).utf8.first == UInt8(ascii: "\\")
            guard case .badKey(let path, let problem) = outcome, tooLong || backslash else {
                rejected.append(outcome)
                continue
            }
            switch manifest.onUnreadable {
            case .skip:
                found.skipped.append(
                    WalkSkip(
                        directory: file.directory,
                        name: file.name,
                        source: file.source,
                        status: file.status,
                        device: file.device,
                        reason: tooLong ? .keyTooLong : .unnameable,
                        why: tooLong ? nil : Self.leadingBackslash
                    )
                )
            case .fail:
                let remedy = tooLong ? "shorten its path" : "rename it, give the entry a key_prefix"
                rejected.append(
                    .badKey(
                        path: path,
                        problem: problem
                            + " (\(path): \(remedy), exclude it, or set upload.on_unreadable: skip to leave it out)"
                    )
                )
            }
        }
        rejected.sort { ByteOrder.precedes($0.path, $1.path) }
        found.selected += walk.count + rejected.count
        collector.add(jobs: walk.chunks, entry: index)
        for outcome in rejected { collector.add(outcome, entry: index, problems: &found.keyProblems) }
    }
}
