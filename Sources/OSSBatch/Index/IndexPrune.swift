import Foundation
import LocalFiles
import SQLite

/// `ossbatch index prune`: the upload index keeps an entry for every object it confirmed, under every prefix,
/// and a batch of dated snapshots (`web01/{date}/`) adds a night's worth each night. What a manifest may prune
/// is the entries under its entries' fixed key prefixes (before any time placeholder: `web01/` of
/// `web01/{date}/`, and on host web01 of `{hostname}/{date}/`) that its plan does not name (old nights, deleted
/// files) and that were last confirmed more than the given number of days ago. Tonight's keys stay (an unchanged
/// file's entry is never confirmed again, however old it is), and so do the nights younger than that
/// (yesterday's is what `copy` copies from).
package struct IndexPrune: Sendable {
    /// The fixed key prefixes searched, covering ones left out (`web01/` covers `web01/etc/`).
    package var prefixes: [String] = []
    /// Entries (by position in the manifest) without a fixed key prefix (none, or a time placeholder first):
    /// their keys could be anyone's, so none is searched for them.
    package var unprefixedEntries: [Int] = []
    /// How many entries were found (and, unless a dry run, removed).
    package var found = 0
    /// Seconds since 1970: the entries found were last confirmed before it.
    package var cutoff: Int64 = 0

    /// Finds, and unless `dryRun` removes, the entries of `index` that pruning for `manifest`, whose plan is
    /// `plan`, concerns: last confirmed more than `days` days before the moment of `placeholders`
    /// (`OSSBATCH_NOW` when set), whose other values (host name, environment) resolve the prefixes. An entry is
    /// removed only if it is still that old (a run may confirm it meanwhile). Without `OSSBATCH_NOW`, the days
    /// count back from the newest entry's confirmation when that is earlier than now: a clock running 40 days
    /// fast made every night look older than 30 days, and the prune took the entries of last night, which
    /// tonight's `copy` copies from. Pruning less is never wrong (the index is a cache).
    package static func prune(
        _ index: UploadIndex,
        manifest: Manifest,
        plan: Plan,
        days: Int,
        placeholders: PlaceholderValues,
        dryRun: Bool
    ) throws(SQLiteError) -> IndexPrune {
        var result = IndexPrune()
        var prefixes: [String] = []
        let keys = KeyResolver(manifest: manifest, values: placeholders)
        for (position, entry) in manifest.files.enumerated() {
            // An entry's key is `key`, else `key_prefix` + a path.
            let prefix = keys.folderBeforeTime(of: entry.key?.value ?? entry.keyPrefix?.value ?? "")
            if prefix.isEmpty { result.unprefixedEntries.append(position) } else { prefixes.append(prefix) }
        }
        // Sorted, a prefix comes before those it covers. Told apart by their bytes (`ExactString`): two
        // canonically equivalent spellings are two prefixes on OSS.
        for prefix in Set(prefixes.map(ExactString.init)).map(\.value).sorted(by: ByteOrder.precedes) {
            if let last = result.prefixes.last, prefix.utf8.starts(with: last.utf8) { continue }
            result.prefixes.append(prefix)
        }
        var reference = Int64(placeholders.now.timeIntervalSince1970.rounded(.down))
        if !placeholders.isFixed, let newest = try index.newestConfirmation() { reference = min(reference, newest) }
        let cutoff = reference - Int64(days) * 86_400
        result.cutoff = cutoff
        // The plan's keys by their bytes: a `Set<String>` took an entry whose key is another spelling of a
        // named one (`café` with `é`, or with `e` and a combining accent: two objects) for that key, and kept it.
        var named = Set<ExactString>()
        for chunk in plan.jobs.chunks { for job in chunk { named.insert(ExactString(job.key)) } }
        for line in plan.skipped { named.insert(ExactString(line.spec.key)) }
        // A directory the plan could not list (`reason: unlistable`, its line's key the prefix of what it
        // holds) names nothing under it, and its files are not gone: their entries stay for the night it can be
        // listed again. Pruned, that night sent the whole subtree again (review of e4ab55a).
        let unseen = plan.skipped.filter { $0.outcome.reason == .unlistable }.map { Array($0.spec.key.utf8) }
        for prefix in result.prefixes {
            try index.forEachPageOfKeys(under: prefix, confirmedBefore: cutoff) { (page) throws(SQLiteError) in
                let stale = page.filter { key in
                    !named.contains(ExactString(key)) && !unseen.contains { key.utf8.starts(with: $0) }
                }
                result.found += stale.count
                if !dryRun { try index.remove(keys: stale, confirmedBefore: cutoff) }
            }
        }
        return result
    }
}
