import OSSProtocol

/// Object options equal to others, and hashed, as the bytes they send: `ObjectOptions`' own `==` compares
/// its strings as `String` does, so two entries whose metadata, tags, disposition or callback differ only in
/// Unicode normalization (`café` with `é`, and with `e` and a combining accent: two header values on OSS)
/// were one entry of a report's options table, and a resume sent the first entry's bytes for the second's
/// files (review of e4ab55a).
struct ExactOptions: Hashable, Sendable {
    var value: ObjectOptions

    init(_ value: ObjectOptions) { self.value = value }

    /// One shared value is compared by its pointer (jobs share their options: the usual case); others equal as
    /// `ObjectOptions` are compared by their canonical forms' bytes.
    static func == (a: ExactOptions, b: ExactOptions) -> Bool { same(a.value, b.value) }

    /// `ObjectOptions`' hash: equal bytes are equal options, so equal values hash alike.
    func hash(into hasher: inout Hasher) { hasher.combine(value) }

    /// Whether `a` and `b` send the same bytes.
    static func same(_ a: ObjectOptions, _ b: ObjectOptions) -> Bool {
        if a.sharesStorage(with: b) { return true }
        guard a == b else { return false }
        var (formA, formB) = ([UInt8](), [UInt8]())
        a.appendCanonicalForm(to: &formA)
        b.appendCanonicalForm(to: &formB)
        return formA == formB
    }
}
