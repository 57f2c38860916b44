import Foundation
import LocalFiles
import SQLite

/// `ossbatch index prune`: the upload index keeps an entry for every object it confirmed, under every prefix,
/// and a batch of dated snapshots (`web01/{date}/`) adds a night's worth each night. What a manifest may prune
/// is the entries under its entries' fixed key prefixes (before any placeholder: `web01/`) that its plan now
/// does not name (old nights, deleted files) and that were last confirmed more than the given number of days
/// ago. Tonight's keys stay (an unchanged file's entry is never confirmed again, however old it is), and so does
/// yesterday's snapshot for a night of at least one day, which `copy` copies from.
package struct IndexPrune: Sendable {
    /// The fixed key prefixes searched, covering ones left out (`web01/` covers `web01/etc/`).
    package var prefixes: [String]
    /// Entries (by position in the manifest) without a fixed key prefix: their keys are anyone's, so none is
    /// searched for them.
    package var unprefixedEntries: [Int]
    /// The keys found, in key order.
    package var stale: [String]
    /// Seconds since 1970: the entries found were last confirmed before it.
    package var cutoff: Int64

    /// What pruning the index for `manifest`, whose plan is `plan`, would remove: entries last confirmed more
    /// than `days` days before `now` (`OSSBATCH_NOW` when set, as for placeholders).
    package static func find(
        in index: UploadIndex,
        manifest: Manifest,
        plan: Plan,
        days: Int,
        now: Date
    ) throws(SQLiteError) -> IndexPrune {
        var prefixes: [String] = []
        var unprefixed: [Int] = []
        for (position, entry) in manifest.files.enumerated() {
            // An entry's key is `key`, else `key_prefix` + a path (a decoded manifest's templates parse).
            let written = entry.key?.value ?? entry.keyPrefix?.value ?? ""
            let prefix = (try? KeyTemplate(parsing: written))?.fixedPrefix ?? ""
            if prefix.isEmpty { unprefixed.append(position) } else { prefixes.append(prefix) }
        }
        // Sorted, a prefix comes before those it covers.
        var searched: [String] = []
        for prefix in Set(prefixes).sorted(by: ByteOrder.precedes) {
            if let last = searched.last, prefix.utf8.starts(with: last.utf8) { continue }
            searched.append(prefix)
        }
        let cutoff = Int64(now.timeIntervalSince1970.rounded(.down)) - Int64(days) * 86_400
        var named = Set<String>()
        for chunk in plan.jobs.chunks { for job in chunk { named.insert(job.key) } }
        for line in plan.skipped { named.insert(line.spec.key) }
        var stale: [String] = []
        for prefix in searched {
            stale += try index.keys(under: prefix, confirmedBefore: cutoff).filter { !named.contains($0) }
        }
        return IndexPrune(prefixes: searched, unprefixedEntries: unprefixed, stale: stale, cutoff: cutoff)
    }

    /// Removes what `find` found (each entry only if still last confirmed before the cutoff).
    package func apply(to index: UploadIndex) throws(SQLiteError) {
        try index.remove(keys: stale, confirmedBefore: cutoff)
    }
}
