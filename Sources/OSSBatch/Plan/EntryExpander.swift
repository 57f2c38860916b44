import LocalFiles

/// Expands one `files:` entry into candidate files with their keys, or diagnostics pointing at the entry.
struct EntryExpander {
    let entry: FileEntry
    let index: Int
    let manifest: Manifest

    /// At most this many problems are listed per entry; a tree of bad names would otherwise drown the rest.
    static let problemLimit = 20

    private var followSymlinks: Bool { entry.options.over(manifest.defaults).followSymlinks ?? false }
    private var prefix: String { entry.keyPrefix?.value ?? "" }
    private var keyMark: SourceMark { entry.key?.mark ?? entry.keyPrefix?.mark ?? selectorMark }
    private var selectorMark: SourceMark {
        switch entry.selector { case .source(let s): s.mark
        case .glob(let g): g.mark }
    }

    func expand(into candidates: inout [Candidate], diagnostics: inout [Diagnostic]) {
        var problems: [String] = []
        let start = candidates.count
        switch entry.selector {
        case .source(let source): expandSource(source, into: &candidates, problems: &problems)
        case .glob(let glob): expandGlob(glob, into: &candidates, problems: &problems)
        }
        for candidate in candidates[start...] {
            if let problem = ObjectKey.problem(with: candidate.key) { problems.append(problem) }
        }
        for problem in problems.prefix(Self.problemLimit) {
            diagnostics.append(Diagnostic(problem.hasPrefix("the object key") ? keyMark : selectorMark, problem))
        }
        if problems.count > Self.problemLimit {
            diagnostics.append(Diagnostic(selectorMark, "… and \(problems.count - Self.problemLimit) more problems in this entry"))
        }
    }

    private func expandSource(_ source: Marked<String>, into candidates: inout [Candidate], problems: inout [String]) {
        let absolute = PathResolver.absolute(source.value, relativeTo: manifest.directory)
        let status: FileStatus
        do {
            status = try FileStatus.stat(absolute)
        } catch {
            problems.append(error.doesNotExist ? "source '\(source.value)' does not exist (looked for \(absolute))"
                                               : "cannot use source '\(source.value)': \(error.reason)")
            return
        }
        switch status.kind {
        case .directory:
            if entry.key != nil { problems.append("'key' names one object, but source '\(source.value)' is a directory; use 'key_prefix'") }
            let filters = PathFilters(entry)
            let walker = FileWalker(followSymlinks: followSymlinks, maximumDepth: nil)
            problems += walker.walk(root: absolute, rootStatus: status) { file in
                guard filters.admits(file.relative) else { return }
                candidates.append(Candidate(key: prefix + file.relative, mark: keyMark, entry: index,
                                            absolute: file.absolute, status: file.status))
            }
        case .regular:
            guard FileStatus.isReadable(absolute) else {
                problems.append("cannot read source '\(source.value)' (\(absolute)): permission denied")
                return
            }
            let name = absolute.split(separator: "/").last.map(String.init) ?? absolute
            candidates.append(Candidate(key: entry.key?.value ?? prefix + name, mark: keyMark, entry: index,
                                        absolute: absolute, status: status))
        default:
            problems.append("source '\(source.value)' is \(status.kind.description), not a regular file or directory")
        }
    }

    private func expandGlob(_ glob: Marked<String>, into candidates: inout [Candidate], problems: inout [String]) {
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
        let start = candidates.count
        if let status = try? FileStatus.stat(base), status.kind == .directory {
            let filters = PathFilters(entry)
            let walker = FileWalker(followSymlinks: followSymlinks, maximumDepth: pattern.maximumDepth)
            problems += walker.walk(root: base, rootStatus: status) { file in
                guard pattern.matches(file.relative), filters.admits(file.relative) else { return }
                candidates.append(Candidate(key: prefix + file.relative, mark: keyMark, entry: index,
                                            absolute: file.absolute, status: file.status))
            }
        }
        if candidates.count == start && problems.isEmpty {
            problems.append("glob '\(glob.value)' matches no files (searched \(base))")
        }
    }
}

/// An entry's `include` and `exclude` patterns: a file is taken when it matches some include (or
/// there are none) and no exclude.
struct PathFilters {
    let include: [GlobPattern]
    let exclude: [GlobPattern]

    init(_ entry: FileEntry) {
        include = entry.include.map { GlobPattern($0.value) }
        exclude = entry.exclude.map { GlobPattern($0.value) }
    }

    func admits(_ relative: String) -> Bool {
        (include.isEmpty || include.contains { $0.matches(relative) }) && !exclude.contains { $0.matches(relative) }
    }
}
