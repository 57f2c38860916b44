/// An entry's `include` and `exclude` patterns: a file is taken when it matches some include (or
/// there are none) and no exclude.
struct PathFilters: Sendable {
    let include: [GlobPattern]
    let exclude: [GlobPattern]

    init(_ entry: FileEntry) {
        include = entry.include.map { GlobPattern($0.value) }
        exclude = entry.exclude.map { GlobPattern($0.value) }
    }

    /// Whether every file is admitted.
    var isEmpty: Bool { include.isEmpty && exclude.isEmpty }

    func admits(_ relative: String) -> Bool {
        let path = GlobPattern.Subject(relative)
        return (include.isEmpty || include.contains { $0.matches(path) }) && !exclude.contains { $0.matches(path) }
    }
}
