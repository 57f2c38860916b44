/// What an entry selects from a walk — a glob's pattern, then `include`, then `exclude` — applied to each
/// path before the file is stat'ed or the directory entered: a file the entry does not want is never
/// touched, and an excluded directory never opened (so neither can fail the plan by being unreadable).
struct WalkFilter: Sendable {
    /// The glob's pattern below its fixed leading directories (anchored), or `nil` for a `source`.
    var glob: GlobPattern?
    var filters: PathFilters

    enum Verdict: Equatable {
        /// Wanted: a file to plan, a directory to enter.
        case selected
        /// Removed by the `exclude` pattern at this index.
        case excluded(pattern: Int)
        /// Not asked for (no glob or include match; no wanted file can be below the directory).
        case unselected
    }

    /// A file (or link, or special file) at `relative`.
    func verdict(file relative: String) -> Verdict {
        // Split once for every pattern.
        let path = GlobPattern.Subject(relative)
        if let glob, !glob.matches(path) { return .unselected }
        if !filters.include.isEmpty && !filters.include.contains(where: { $0.matches(path) }) { return .unselected }
        if let index = filters.exclude.firstIndex(where: { $0.matches(path) }) { return .excluded(pattern: index) }
        return .selected
    }

    /// A directory at `relative`: excluded when an `exclude` pattern matches it as it would a file (as in
    /// .gitignore: `cache`, `**/tmp`) or matches everything below it (`build/**`).
    func verdict(directory relative: String) -> Verdict {
        if let glob, !glob.mayMatch(below: relative) { return .unselected }
        if !filters.include.isEmpty && !filters.include.contains(where: { $0.mayMatch(below: relative) }) {
            return .unselected
        }
        if let index = filters.exclude.firstIndex(where: {
            $0.matches(relative) || $0.matchesEverything(below: relative)
        }) {
            return .excluded(pattern: index)
        }
        return .selected
    }
}
