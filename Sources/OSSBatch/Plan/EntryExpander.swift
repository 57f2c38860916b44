import LocalFiles
import Synchronization

/// Expands one `files:` entry into candidate files with their keys, or diagnostics pointing at the entry.
struct EntryExpander {
    let entry: FileEntry
    let index: Int
    let manifest: Manifest
    let factory: JobFactory

    /// At most this many problems are listed per entry; a tree of bad names would otherwise drown the rest.
    static let problemLimit = 20

    private var followSymlinks: Bool { entry.options.over(manifest.defaults).followSymlinks ?? false }
    private var prefix: String { entry.keyPrefix?.value ?? "" }
    var keyMark: SourceMark { entry.key?.mark ?? entry.keyPrefix?.mark ?? selectorMark }
    private var selectorMark: SourceMark {
        switch entry.selector {
        case .source(let s): s.mark
        case .glob(let g): g.mark
        }
    }

    func expand(into collector: inout JobCollector, diagnostics: inout [Diagnostic]) {
        var problems: [String] = []
        var keyProblems: [String] = []
        switch entry.selector {
        case .source(let source): expandSource(source, into: &collector, problems: &problems, keyProblems: &keyProblems)
        case .glob(let glob): expandGlob(glob, into: &collector, problems: &problems, keyProblems: &keyProblems)
        }
        problems += keyProblems
        for problem in problems.prefix(Self.problemLimit) {
            diagnostics.append(Diagnostic(problem.hasPrefix("the object key") ? keyMark : selectorMark, problem))
        }
        if problems.count > Self.problemLimit {
            diagnostics.append(
                Diagnostic(selectorMark, "… and \(problems.count - Self.problemLimit) more problems in this entry")
            )
        }
    }

    private func expandSource(
        _ source: Marked<String>,
        into collector: inout JobCollector,
        problems: inout [String],
        keyProblems: inout [String]
    ) {
        let absolute = PathResolver.absolute(source.value, relativeTo: manifest.directory)
        let status: FileStatus
        do {
            status = try FileStatus.stat(absolute)
        } catch {
            problems.append(
                error.doesNotExist
                    ? "source '\(source.value)' does not exist (looked for \(absolute))"
                    : "cannot use source '\(source.value)': \(error.reason)"
            )
            return
        }
        switch status.kind {
        case .directory:
            if entry.key != nil {
                problems.append("'key' names one object, but source '\(source.value)' is a directory; use 'key_prefix'")
            }
            let filters = PathFilters(entry)
            let admits: (@Sendable (String) -> Bool)? =
                filters.isEmpty ? nil : { @Sendable path in filters.admits(path) }
            walk(
                FileWalker(followSymlinks: followSymlinks, maximumDepth: nil),
                root: absolute,
                status: status,
                admits: admits,
                into: &collector,
                problems: &problems,
                keyProblems: &keyProblems
            )
        case .regular:
            guard FileStatus.isReadable(absolute) else {
                problems.append("cannot read source '\(source.value)' (\(absolute)): permission denied")
                return
            }
            let location = SplitPath(absolute)
            let key = SplitPath(entry.key?.value ?? prefix + location.name)
            var memo = ObjectOptionsTemplate.Memo()
            collector.add(
                factory.make(key: key, entry: index, source: location, status: status, memo: &memo),
                entry: index,
                problems: &keyProblems
            )
        default:
            problems.append("source '\(source.value)' is \(status.kind.description), not a regular file or directory")
        }
    }

    private func expandGlob(
        _ glob: Marked<String>,
        into collector: inout JobCollector,
        problems: inout [String],
        keyProblems: inout [String]
    ) {
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
        var matched = 0
        if let status = try? FileStatus.stat(base), status.kind == .directory {
            let filters = PathFilters(entry)
            matched = walk(
                FileWalker(followSymlinks: followSymlinks, maximumDepth: pattern.maximumDepth),
                root: base,
                status: status,
                admits: { pattern.matches($0) && filters.admits($0) },
                into: &collector,
                problems: &problems,
                keyProblems: &keyProblems
            )
        }
        if matched == 0 && problems.isEmpty {
            problems.append("glob '\(glob.value)' matches no files (searched \(base))")
        }
    }
}

extension EntryExpander {
    /// Walks a directory, making a job of every file whose relative path `admits` (every file when it is
    /// `nil`), on the walk's threads. Returns how many files were admitted (jobs and rejected ones).
    @discardableResult
    private func walk(
        _ walker: FileWalker,
        root: String,
        status: FileStatus,
        admits: (@Sendable (String) -> Bool)?,
        into collector: inout JobCollector,
        problems: inout [String],
        keyProblems: inout [String]
    ) -> Int {
        // Rejections are rare; they are gathered under a lock and put in path order afterwards.
        let rejections = Mutex<[JobFactory.Outcome]>([])
        let (factory, prefix, index) = (factory, prefix, index)
        let walk = walker.walk(root: root, rootStatus: status) {
            var memo = ObjectOptionsTemplate.Memo()
            // The key's directory part (prefix + the file's directory), made once per directory, not per file.
            var relativeDirectory: String?
            var keyDirectory = prefix
            return { file -> UploadJob? in
                if let admits, !admits(file.relative) { return nil }
                if relativeDirectory != file.directory {
                    relativeDirectory = file.directory
                    keyDirectory = prefix + file.directory
                }
                let outcome = factory.make(
                    key: SplitPath(directory: keyDirectory, name: file.name),
                    entry: index,
                    source: file.source,
                    status: file.status,
                    memo: &memo
                )
                if case .job(let job) = outcome { return job }
                rejections.withLock { $0.append(outcome) }
                return nil
            }
        }
        problems += walk.problems
        let rejected = rejections.withLock { $0 }.sorted { ByteOrder.precedes($0.path, $1.path) }
        let admitted = walk.count + rejected.count
        collector.add(jobs: walk.chunks, entry: index)
        for outcome in rejected { collector.add(outcome, entry: index, problems: &keyProblems) }
        return admitted
    }
}
