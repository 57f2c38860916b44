import Digests

extension DirectorySplit {
    /// The `partition_id` of a shard split by directories: hex SHA-256 over the split's name, N and what
    /// decides each entry's files and the split (selector, `key` and `key_prefix` as written, `include`,
    /// `exclude`, `follow_symlinks`). No shard knows the files the others found, let alone their sizes: shards that
    /// agree on it agree on the rule, and the merge finds a key in two shards or a shard missing.
    static func partitionID(count: Int, entries: [FileEntry], defaults: EntryOptions) -> String {
        var bytes: [UInt8] = []
        func field(_ text: String) {
            bytes.append(contentsOf: text.utf8)
            bytes.append(0)
        }
        field(ShardSplit.directories.rawValue)
        field(String(count))
        for entry in entries {
            switch entry.selector {
            case .source(let source): field("source:" + source.value)
            case .glob(let glob): field("glob:" + glob.value)
            }
            field(entry.key.map { "key:" + $0.value } ?? "")
            field(entry.keyPrefix?.value ?? "")
            field(String(entry.include.count))
            for pattern in entry.include { field(pattern.value) }
            field(String(entry.exclude.count))
            for pattern in entry.exclude { field(pattern.value) }
            field(String(entry.options.over(defaults).followSymlinks ?? false))
            bytes.append(0x0A)
        }
        return SHA256.hash(bytes).hexString
    }
}
