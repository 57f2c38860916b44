import Foundation
import Logging
import OSSKit
import OSSProtocol
import SQLite
import Synchronization

/// The engine's side of the upload index: each confirmed object becomes an entry as its outcome is
/// journaled, kept in memory and written in one transaction per flush (the engine flushes with the journal,
/// about once a second, and at the end; the writer itself once the changes hold `heldKeysBeforeFlush` keys).
/// A kill -9 loses at most the entries since the last flush; their outcomes carry `ctime_ns`, so `resume`
/// writes them then. A write error is a warning: the index is a cache, and without it the next run only
/// uploads more.
///
/// A job's key stays locked until its entry is written (`releaseKeys`): another batch that uploads the key
/// next writes its entry after this one, so the index's last word on a key is the bucket's. Unlocked at the
/// job's end, two batches' uploads of one key could be indexed in the other order, and the index vouch for
/// the object the bucket no longer held.
package final class IndexWriter: Sendable {
    package let index: UploadIndex
    /// Whether this run's uploads become entries. A batch without `upload.unchanged` only takes the keys it
    /// overwrote out of another batch's index: it never prunes one, so its own entries would pile up there.
    private let vouches: Bool
    private let report: String
    private let logger: Logger
    private let releaseKeys: @Sendable ([String]) -> Void

    private struct Pending {
        var entries: [IndexEntry] = []
        /// Keys whose objects this run replaced, or may have replaced, with a version the index does not vouch
        /// for (its ctime had not settled; a batch without `unchanged`; a job that failed or stopped after
        /// sending): their entries, of another version or batch, are buried, and a key without one gets a
        /// tombstone (`UploadIndex.write(_:removing:restoring:)`).
        var stale: [String] = []

        /// The keys these changes hold.
        var count: Int { entries.count + stale.count }
    }

    private let pending = Mutex(Pending())
    private let failed = Mutex(false)

    /// `releaseKeys` unlocks the keys whose entries were written (on the flushing thread).
    package init(
        index: UploadIndex,
        report: String,
        logger: Logger,
        vouches: Bool = true,
        releaseKeys: @escaping @Sendable ([String]) -> Void = { _ in }
    ) {
        self.index = index
        self.vouches = vouches
        self.report = report
        self.logger = logger
        self.releaseKeys = releaseKeys
    }

    /// The entry for a `succeeded` outcome, or a `skipped` one whose object `if_exists: skip` found identical,
    /// that carries what an entry needs (its CRC-64 and ctime).
    ///
    /// An identical object becomes an entry too: without one, a bucket first filled by another tool (or a
    /// night after the index was deleted) was HEADed, and each file read whole for its CRC-64, every night for
    /// good. Its options hash is tonight's when the key's entry says ossbatch sent this very object (its CRC-64
    /// and ETag) with these options — a `chmod` moved the file's ctime, the object is untouched — else
    /// `optionsUnknown`: an object another tool sent again, even with the same bytes, has whatever options that
    /// tool gave it.
    package func entry(for job: UploadJob, _ outcome: JobOutcome) -> IndexEntry? {
        let found = outcome.status == .skipped && outcome.reason == .identical
        guard outcome.status == .succeeded || found, let ctime = outcome.ctimeNanoseconds,
            let crc = outcome.crc64.flatMap({ UInt64($0) })
        else { return nil }
        var optionsHash = job.options.indexHash
        if found {
            // Read as `skipIfIdentical` read it: the key stays locked until this entry is written.
            let keyed = try? index.entry(key: job.key)
            let sentSo =
                keyed.map {
                    job.options.matchesIndexHash($0.optionsHash) && $0.crc64 == crc
                        && ETag.same($0.etag, outcome.etag ?? "")
                } ?? false
            if !sentSo { optionsHash = IndexEntry.optionsUnknown }
        }
        return IndexEntry(
            key: job.key,
            source: job.source,
            identity: job.identity,
            ctimeNanoseconds: ctime,
            crc64: crc,
            etag: outcome.etag ?? "",
            optionsHash: optionsHash,
            uploadedAt: Int64(Date().timeIntervalSince1970),
            report: report
        )
    }

    /// Takes `outcome` of `job` for the next flush: an entry for what it confirmed, or the removal of its key's
    /// entry when it replaced or may have replaced the object. Returns whether it changes the index: then the
    /// writer holds the job's key, and releases it once the change is written; otherwise the caller releases it.
    package func add(_ job: UploadJob, _ outcome: JobOutcome) -> Bool {
        let held: Int
        if vouches, let entry = entry(for: job, outcome) {
            held = pending.withLock { p in
                p.entries.append(entry)
                return p.count
            }
        } else {
            // A job that sent requests and did not succeed may still have stored an object under its key (a
            // callback that failed after the PutObject, a CRC-64 that did not match, a lost answer): the key's
            // entry, whichever batch wrote it, no longer vouches for what the bucket holds.
            let mayHaveStored = outcome.status != .skipped && outcome.attempts > 0
            guard outcome.status == .succeeded || mayHaveStored else { return false }
            held = pending.withLock { p in
                p.stale.append(job.key)
                return p.count
            }
        }
        if held >= Self.heldKeysBeforeFlush { flush() }
        return true
    }

    /// How many keys the pending changes may hold locked before they are written without waiting for the
    /// engine's next flush. Each key is a record lock on one file, and the kernel goes through a process's
    /// locks on a file one by one at every lock and unlock: a night of fast skips (50,000 objects HEAD found
    /// identical against LocalOSS, 8,000 a second) held a second's worth, and a quarter of its time went
    /// there (perf, 2026-12-06).
    static let heldKeysBeforeFlush = 512

    /// Writes what is pending, then releases its keys (also when the write failed: the index is then only
    /// behind, and the keys' other uploads go on).
    package func flush() {
        let taken = pending.withLock { p in
            defer { p = Pending() }
            return p
        }
        guard !taken.entries.isEmpty || !taken.stale.isEmpty else { return }
        do { try index.write(taken.entries, removing: taken.stale) } catch { warn(error) }
        releaseKeys(taken.entries.map(\.key) + taken.stale)
    }

    /// The last flush of a run: what is pending, then the log folded into the database.
    package func close() {
        flush()
        // Its generation now, so that a copy of the index from before this run is told apart (`IndexLineage`).
        try? index.recordLineage()
        index.checkpoint()
    }

    /// A resumed report's succeeded jobs, written where the index has no other report's entry of their keys
    /// and no tombstone but the one this report's upload left (`UploadIndex.buryAhead`); another report's
    /// entry is buried (`UploadIndex.write(_:removing:restoring:)`).
    package func restore(_ jobs: [(UploadJob, JobOutcome)]) {
        guard vouches else { return }
        let entries = jobs.compactMap { entry(for: $0.0, $0.1) }
        do { try index.write(entries, restoring: true) } catch { warn(error) }
    }

    private func warn(_ error: SQLiteError) {
        let first = failed.withLock { f in
            defer { f = true }
            return !f
        }
        guard first else { return }
        logger.warning(
            "cannot write the upload index \(index.path): \(error); the next run will upload these files again",
            metadata: .event("index_write_failed", ["path": .string(index.path), "error": .string("\(error)")])
        )
    }
}
