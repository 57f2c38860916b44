import Foundation
import Logging
import SQLite
import Synchronization

/// The engine's side of the upload index: each confirmed object becomes an entry as its outcome is
/// journaled, kept in memory and written in one transaction per flush (the engine flushes with the journal,
/// about once a second, and at the end). A kill -9 loses at most the entries since the last flush; their
/// outcomes carry `ctime_ns`, so `resume` writes them then. A write error is a warning: the index is a
/// cache, and without it the next run only uploads more.
package final class IndexWriter: Sendable {
    package let index: UploadIndex
    private let report: String
    private let logger: Logger
    private let pending = Mutex<[IndexEntry]>([])
    /// Keys whose objects this run replaced with a version the index may not vouch for (its ctime had not
    /// settled): their entries, of an older version, go.
    private let stale = Mutex<[String]>([])
    private let failed = Mutex(false)

    package init(index: UploadIndex, report: String, logger: Logger) {
        self.index = index
        self.report = report
        self.logger = logger
    }

    /// The entry for a `succeeded` outcome that carries what an entry needs (its CRC-64 and ctime).
    package func entry(for job: UploadJob, _ outcome: JobOutcome) -> IndexEntry? {
        guard outcome.status == .succeeded, let ctime = outcome.ctimeNanoseconds,
            let crc = outcome.crc64.flatMap({ UInt64($0) })
        else { return nil }
        return IndexEntry(
            key: job.key,
            source: job.source,
            identity: job.identity,
            ctimeNanoseconds: ctime,
            crc64: crc,
            etag: outcome.etag ?? "",
            optionsHash: job.options.indexHash,
            uploadedAt: Int64(Date().timeIntervalSince1970),
            report: report
        )
    }

    package func add(_ job: UploadJob, _ outcome: JobOutcome) {
        if let entry = entry(for: job, outcome) {
            pending.withLock { $0.append(entry) }
        } else if outcome.status == .succeeded {
            stale.withLock { $0.append(job.key) }
        }
    }

    /// Writes what is pending.
    package func flush() {
        let entries = pending.withLock { p in
            defer { p.removeAll() }
            return p
        }
        let removed = stale.withLock { s in
            defer { s.removeAll() }
            return s
        }
        guard !entries.isEmpty || !removed.isEmpty else { return }
        do { try index.write(entries, removing: removed) } catch { warn(error) }
    }

    /// The last flush of a run: what is pending, then the log folded into the database.
    package func close() {
        flush()
        index.checkpoint()
    }

    /// A resumed report's succeeded jobs, written unless another report has written their keys since.
    package func restore(_ jobs: [(UploadJob, JobOutcome)]) {
        let entries = jobs.compactMap { entry(for: $0.0, $0.1) }
        do { try index.write(entries, keepingOthers: true) } catch { warn(error) }
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
