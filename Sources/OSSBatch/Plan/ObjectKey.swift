import LocalFiles

/// OSS's rules for object names, checked before anything is sent (never silently fixed).
package enum ObjectKey {
    package static let maximumBytes = 1023

    /// Why `key` is not a valid object name, or `nil` when it is.
    package static func problem(with key: String) -> String? { problem(with: SplitPath(key)) }

    /// Why `key` is not a valid object name, or `nil` when it is (the whole key is built only to say why).
    /// Without `namesAnObject` (the line of a file whose name is not UTF-8, never sent: `unnameable`), a key may
    /// start with the `\` of an escaped byte and be longer than OSS allows (each escaped byte is 4 characters).
    static func problem(with split: SplitPath, namesAnObject: Bool = true) -> String? {
        let bytes = split.utf8Count
        let leadingSlash =
            split.starts(with: UInt8(ascii: "/")) || (namesAnObject && split.starts(with: UInt8(ascii: "\\")))
        // A NUL would end the key early in C code along the way (and OSS refuses it); a file name cannot hold
        // one, so only a manifest's `key` or `key_prefix` can bring it.
        let nul = ByteSearch.contains(0, in: split.directory) || ByteSearch.contains(0, in: split.name)
        let tooLong = namesAnObject && bytes > maximumBytes
        guard bytes == 0 || tooLong || leadingSlash || nul else { return nil }
        let key = split.path
        if bytes == 0 { return "the object key is empty" }
        if tooLong {
            return "the object key '\(key.prefix(40))…' is \(bytes) bytes; OSS allows 1–\(maximumBytes) bytes of UTF-8"
        }
        if leadingSlash {
            return "the object key '\(key)' starts with '\(key.first!)'; OSS keys must not start with '/' or '\\'"
        }
        if nul {
            let shown = key.split(separator: "\0", omittingEmptySubsequences: false).joined(separator: "\\0")
            return "the object key '\(shown)' contains a NUL byte (shown as \\0); OSS keys cannot hold one"
        }
        return nil
    }
}
