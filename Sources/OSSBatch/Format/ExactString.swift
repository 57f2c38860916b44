import LocalFiles

/// A string equal to another, and hashed, by its UTF-8 bytes: a path or an object key as the file system and
/// OSS name it. `String`'s own `==` and hash take canonically equivalent spellings for one (`café` with `é`,
/// and with `e` and a combining accent: two directories on Linux — files copied from macOS have the second —
/// and two keys on OSS), so a table, set or map of paths keyed by `String` merged them: a report read back
/// named both jobs' files (or keys) by the first (review of 7b6dd4e).
struct ExactString: Hashable, Sendable {
    var value: String

    init(_ value: String) { self.value = value }

    static func == (a: ExactString, b: ExactString) -> Bool { same(a.value, b.value) }

    /// `String`'s hash, as `SplitPath` keeps it: equal bytes are equal strings, so equal values hash alike.
    func hash(into hasher: inout Hasher) { hasher.combine(value) }

    /// Whether `a` and `b` are the same bytes.
    static func same(_ a: String, _ b: String) -> Bool { ByteOrder.equals(a.utf8.span, b.utf8.span) }
}
