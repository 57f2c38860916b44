extension Plan {
    /// The batch's name, which names its directory in the state directory (default reports and checkpoints):
    /// the manifest's file name without its extension (`/etc/ossbatch/nightly.yaml` → `nightly`).
    package var batchName: String { Plan.batchName(manifestPath: manifestPath) }

    /// The batch name of the manifest at `manifestPath`, made safe as one directory name: letters, digits,
    /// `.`, `_` and `-` kept, anything else `_`, no leading dot, at most 100 bytes.
    package static func batchName(manifestPath: String) -> String {
        var name = Substring(manifestPath.split(separator: "/").last ?? "")
        if let dot = name.lastIndex(of: "."), dot != name.startIndex { name = name[..<dot] }
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
