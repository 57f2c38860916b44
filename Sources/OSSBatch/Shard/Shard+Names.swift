import Foundation

extension Shard {
    /// What a shard adds to the names of its files: `shard-K-of-N`. The one place shard file names are made.
    package var nameTag: String { "shard-\(index)-of-\(count)" }

    /// The shard's report path for `path`: `.shard-K-of-N` before its extension (`r.json` →
    /// `r.shard-2-of-8.json`), so N shards given one `--report` share its directory without colliding.
    package func reportPath(for path: String) -> String {
        let ns = path as NSString
        let ext = ns.pathExtension
        let stem = ext.isEmpty ? path : ns.deletingPathExtension
        return stem + "." + nameTag + (ext.isEmpty ? "" : "." + ext)
    }

    /// The shard's checkpoint directory under `directory`: `DIR/shard-K-of-N`.
    package func checkpointDirectory(in directory: String) -> String {
        (directory as NSString).appendingPathComponent(nameTag)
    }
}
