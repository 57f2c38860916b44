/// The batch's name: `name:` in the manifest, else the manifest's file name without its extension. It
/// fills `{name}` in keys (and names the batch's state in later versions).
enum BatchName {
    static let maximumLength = 100

    /// Why `name` is not a valid `name:`, or `nil`: 1–100 ASCII letters, digits, `.`, `_` and `-`, starting
    /// with a letter or digit (so it is safe as a file name and in a key).
    static func problem(with name: String) -> String? {
        let scalars = name.unicodeScalars
        let allowed = scalars.allSatisfy {
            $0.isASCII && ($0.properties.isAlphabetic || isDigit($0) || "._-".unicodeScalars.contains($0))
        }
        guard let first = scalars.first, allowed, first.properties.isAlphabetic || isDigit(first),
            scalars.count <= maximumLength
        else {
            return
                "'name' must be 1–\(maximumLength) letters, digits, '.', '_' or '-', starting with a letter or digit, "
                + "not '\(name)'"
        }
        // `status` reads a state directory named `NAME.shard-K-of-N` as shard K of batch NAME.
        if let shard = ShardedBatchStatus.parse(name) {
            return "'name' must not end in '.shard-\(shard.index)-of-\(shard.count)': that is how the state "
                + "directory names the shards of a batch run with --shard (status would show it as a shard of "
                + "'\(shard.batch)'); run with --shard K/N instead, or choose another name"
        }
        return nil
    }

    /// `nightly` for `/etc/ossbatch/nightly.yaml`.
    static func derived(fromManifestPath path: String) -> String {
        let file = path.split(separator: "/").last.map(String.init) ?? path
        guard let dot = file.lastIndex(of: "."), dot != file.startIndex else { return file }
        return String(file[..<dot])
    }

    private static func isDigit(_ scalar: Unicode.Scalar) -> Bool { ("0"..."9").contains(scalar) }
}
