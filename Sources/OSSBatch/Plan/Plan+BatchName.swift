extension Plan {
    /// The name of the batch's directory in the state directory (default reports): the batch name (`name:`,
    /// else the manifest's file name without its extension), made safe as one directory name; a shard's is
    /// `NAME.shard-K-of-N`, so that `status` shows each shard and `--keep-reports` counts per shard.
    package var batchName: String {
        let base = Plan.directoryName(forBatch: name.isEmpty ? BatchName.derived(fromManifestPath: manifestPath) : name)
        return shard.map { base + "." + $0.shard.nameTag } ?? base
    }

    /// `name` made safe as one directory name: letters, digits, `.`, `_` and `-` kept, anything else `_`, no
    /// leading dot, at most 100 bytes. A valid `name:` is kept as it is.
    package static func directoryName(forBatch name: String) -> String {
        var safe = String(
            decoding: name.utf8.prefix(100).map { byte in
                switch byte {
                case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                    UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "-"):
                    return byte
                default: return UInt8(ascii: "_")
                }
            },
            as: UTF8.self
        )
        if safe.hasPrefix(".") { safe = "_" + safe.dropFirst() }
        return safe.isEmpty ? "batch" : safe
    }
}
