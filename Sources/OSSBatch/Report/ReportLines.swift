import Digests
import Dispatch
import LocalFiles
import OSSProtocol

/// The job lines of a report file as they were read or written, batch by batch (`JobLines.batchSize`): so
/// that writing the report again copies the lines of a batch whose jobs did not change from that file instead
/// of encoding them. `resume` of a finished 1,000,000-job report writes it twice with nothing changed but its
/// first line; encoding those lines was half of its start-up (docs/performance.md § Resume without
/// re-encoding).
///
/// A batch is copied only when its jobs fingerprint as they did when its lines were read or written, the
/// tables the lines refer to are equal, the report has as many jobs (so every batch, and the comma after its
/// last line, lines up), and its bytes in the file still have their CRC-64 — a file changed since fails that
/// and the batch is encoded. What a copy writes is what encoding writes for a file ossbatch wrote
/// (`ReportLinesTests`); a line edited by hand into another spelling of the same values is kept as spelt.
/// Memory is one entry per batch, not per job.
struct ReportLines: Sendable {
    /// The file, kept open: once the report is replaced, the old file is still read through it.
    let file: ReadableFile
    let tables: JobTables
    let jobCount: Int
    let spans: [JobLines.Span]
    /// Each batch's `fingerprint` when its lines were read or written.
    let fingerprints: [Int]

    /// The lines of batch `batch` as they are in the file, if its jobs still have `fingerprint` and the file
    /// still holds what it did; else `nil` (the batch is encoded).
    func copy(batch: Int, fingerprint: Int) -> [UInt8]? {
        guard spans.indices.contains(batch), fingerprints.indices.contains(batch), fingerprints[batch] == fingerprint
        else { return nil }
        let span = spans[batch]
        guard let bytes = try? file.read(upToCount: span.length, at: span.offset), bytes.count == span.length,
            CRC64.checksum(bytes) == span.checksum
        else { return nil }
        return bytes
    }

    /// Whether batches of a report of `jobCount` jobs laid out with `tables` line up with these.
    func fits(jobCount: Int, tables: JobTables) -> Bool { jobCount == self.jobCount && tables == self.tables }

    /// One fingerprint per batch of `jobs`, computed on all cores.
    ///
    /// A hash of every job's plan and outcome (`Hasher`, SipHash with a per-process seed, 64 bits): two
    /// different batches that hash the same would make a write copy the old lines of a changed batch, the
    /// report then saying what its jobs were before (a job done counted pending and uploaded again, or a
    /// failure lost) — at 2^-64 per changed batch, and not something input can aim at (the seed is random).
    /// A string replaced by a canonically equivalent one (Swift's `String` equality) counts as unchanged: the
    /// line keeps its old spelling, which reads back equal.
    static func fingerprints(of jobs: [ReportJob]) -> [Int] {
        let batches = (jobs.count + JobLines.batchSize - 1) / JobLines.batchSize
        return DispatchQueue.concurrentMap(iterations: batches) { batch in
            var hasher = Hasher()
            var last: (options: ObjectOptions, hash: Int)?
            let start = batch * JobLines.batchSize
            for i in start..<min(start + JobLines.batchSize, jobs.count) {
                // Field by field where the jobs are (copying each job out costs more than hashing it), every
                // field of `UploadJob` (`ReportLinesTests` counts them, so that a new one is not forgotten).
                hasher.combine(jobs[i].spec.location)
                hasher.combine(jobs[i].spec.objectKey)
                hasher.combine(jobs[i].spec.identity)
                hasher.combine(jobs[i].spec.method)
                hasher.combine(jobs[i].spec.plannedCtimeNanoseconds)
                // A few options values are shared by many jobs: each is hashed once per run of jobs that have
                // it (comparing shared values is cheap, hashing them again for every job is not).
                if last?.options != jobs[i].spec.options {
                    last = (jobs[i].spec.options, jobs[i].spec.options.hashValue)
                }
                hasher.combine(last?.hash)
                jobs[i].hashOutcome(into: &hasher)
            }
            return hasher.finalize()
        }
    }

    /// The fields of `UploadJob` that `fingerprints` hashes (with the outcome: all of `ReportJob`).
    static let fingerprintedFields = [
        "location", "objectKey", "identity", "options", "method", "plannedCtimeNanoseconds",
    ]
}
