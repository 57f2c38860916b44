import Digests
import Foundation
import OSSKit
import OSSProtocol

/// `upload.unchanged: copy`: the job's object made on the server from another key that holds the very same
/// file version (the upload index says so; last night's dated prefix), with this run's options — CopyObject up
/// to 1 GiB, UploadPartCopy over the job's part plan above — and proved to be that version: by the CRC-64 the
/// server reports for the copy, which must be the one the file had when it was uploaded, or (a server without
/// CRC-64s, CopyObject only) by the ETag OSS keeps on a copy. No body byte is sent. A copy that is not proved
/// is deleted and the file uploaded.
struct ServerSideCopy {
    /// OSS copies objects up to 1 GiB with CopyObject; larger ones need UploadPartCopy.
    static let copyObjectLimit: Int64 = 1 << 30

    let context: BatchContext
    let job: UploadJob
    let source: IndexEntry
    let tally: JobTally
    /// An earlier run of this report may have made the copy (it left the job pending or failed): under
    /// `if_exists: fail` a refusal `FileAlreadyExists` is then settled by HEAD, as a PutObject's is.
    var mayHaveBeenSent = false

    private var client: OSSClient { context.client }

    /// The indexed ETag the source must still have (`x-oss-copy-source-if-match`), so that a source replaced
    /// since is refused before anything is copied; none when the entry has none.
    private var sourceETag: String? { source.etag.isEmpty ? nil : source.etag }
    private var bucket: String { context.bucket }

    /// The source entry for `job` if the index has one: the same file version under another key.
    static func source(for job: UploadJob, ctime: Int64, in index: UploadIndex) -> IndexEntry? {
        let entries = (try? index.entries(inode: job.identity.inode, device: job.identity.device)) ?? []
        return entries.filter { $0.key != job.key && $0.sameVersion(as: job, ctime: ctime) }
            .max { $0.uploadedAt < $1.uploadedAt }
    }

    /// What a copy made, as the server answered.
    private struct Copied {
        var etag: String
        /// The server's CRC-64 of the copy; nil when it reported none.
        var crc64: UInt64?
        var uploadID: String?
        var warnings: [String] = []
    }

    /// What became of the copy.
    enum Result {
        case copied(JobOutcome)
        /// The job uploads instead; `why`, for its report line, when a copy was tried (nil when none was).
        case upload(why: String?)
    }

    /// The outcome of the copy, or the job uploads instead: a file over 1 GiB in a batch whose `verify` does
    /// not require CRC-64s, or of an archive storage class (not copied at all); the source is gone (404),
    /// frozen in an archive storage class, holds other bytes than the index says, or the copy cannot be proved
    /// (the source's entry is buried, a copy already made deleted).
    func run() async throws -> Result {
        let large = job.size > Self.copyObjectLimit
        // UploadPartCopy's object can only be proved by the CRC-64s the server reports (its ETag is new), which
        // a batch that does not require them may not get: such a file is uploaded.
        if large && !context.settings.verify.requiresCRC64 { return .upload(why: nil) }
        // The source is an earlier night's object of these options, frozen in its archive class: OSS copies no
        // such object before it is restored (403 InvalidObjectState), so every unchanged file failed every night.
        if job.options.storageClass.isArchive { return .upload(why: nil) }
        var options = job.options
        if context.settings.ifExists == .fail { options.forbidOverwrite = true }
        do {
            // Parts are ranges of the source, which must be the indexed object to cover them: one replaced by a
            // shorter object failed every part copy past its end, the job failed every night (review of ca63f16).
            if large {
                switch try await sourceAsIndexed() {
                case .indexed: break
                case .gone: return sourceGone()
                case .other(let problem):
                    context.logger.warning(
                        "\(job.key): \(source.key) \(problem); uploading instead of copying",
                        metadata: .event("copy_mismatch", job: job, ["copied_from": .string(source.key)])
                    )
                    try? context.index?.bury(key: source.key)
                    return .upload(why: "not copied from \(source.key): it \(problem); uploaded instead")
                }
            }
            let copied = large ? try await copyParts(options) : try await copyObject(options)
            if let problem = try await disproof(of: copied) {
                log(copied.warnings)
                context.logger.warning(
                    "\(job.key): the copy of \(source.key) \(problem); uploading instead",
                    metadata: .event("copy_mismatch", job: job, ["copied_from": .string(source.key)])
                )
                try? context.index?.bury(key: source.key)
                do {
                    try await deleteCopy()
                } catch let error as OSSError where error.code == .accessDenied && context.settings.ifExists != .fail {
                    // A backup's RAM policy often denies DeleteObject; the upload that follows replaces the copy.
                    context.logger.warning(
                        "\(job.key): cannot delete the copy that was not proved (\(error)); the upload replaces it",
                        metadata: .event("copy_not_deleted", job: job, ["error": .string("\(error)")])
                    )
                }
                return .upload(why: "not copied from \(source.key): the copy \(problem); uploaded instead")
            }
            return .copied(
                JobOutcome(
                    key: job.key,
                    status: .succeeded,
                    uploadID: copied.uploadID,
                    etag: copied.etag,
                    crc64: String(source.crc64),
                    warnings: copied.warnings.isEmpty ? nil : copied.warnings,
                    copiedFrom: source.key
                )
            )
        } catch let error as OSSError where error.code == .noSuchKey {
            return sourceGone()
        } catch let error as OSSError where error.code == .preconditionFailed && sourceETag != nil {
            // `x-oss-copy-source-if-match`: the source is not the indexed object, and no copy was made (an upload in
            // parts begun for it is aborted on the way out). Made and only then disproved, a wrong copy stood under
            // the key wherever its delete was refused, under `if_exists: fail` for good (review of c56b4e6).
            context.logger.warning(
                "\(job.key): \(source.key) was replaced since it was indexed (another ETag); uploading instead of copying",
                metadata: .event("copy_mismatch", job: job, ["copied_from": .string(source.key)])
            )
            try? context.index?.bury(key: source.key)
            return .upload(
                why:
                    "not copied from \(source.key): it was replaced since it was indexed (another ETag); uploaded instead"
            )
        } catch let error as OSSError where error.code == .invalidObjectState {
            // Frozen in an archive class the manifest does not name (the bucket's default, a lifecycle rule):
            // the object is still the indexed one, so its entry stays; the file is uploaded.
            context.logger.warning(
                "\(job.key): \(source.key) is in an archive storage class and not restored (InvalidObjectState); uploading instead of copying",
                metadata: .event("copy_source_frozen", job: job, ["copied_from": .string(source.key)])
            )
            return .upload(
                why:
                    "not copied from \(source.key): OSS copies no archived object before it is restored (InvalidObjectState); uploaded instead"
            )
        }
    }

    /// The source is gone from the bucket: its entry buried, the file uploaded.
    private func sourceGone() -> Result {
        context.logger.info(
            "\(job.key): \(source.key) is gone from the bucket; uploading instead of copying",
            metadata: .event("copy_source_missing", job: job, ["copied_from": .string(source.key)])
        )
        try? context.index?.bury(key: source.key)
        return .upload(why: "not copied from \(source.key): it is gone from the bucket (NoSuchKey); uploaded instead")
    }

    /// The source as HEAD shows it, against the index's entry.
    private enum SourceState {
        case indexed
        case gone
        /// Another object: why (its size or CRC-64).
        case other(String)
    }

    /// Whether the source is the indexed object (its size and CRC-64 as HEAD shows them).
    private func sourceAsIndexed() async throws -> SourceState {
        let from = source.key
        let head = try await context.send(tally) { try await client.headObject(bucket: bucket, key: from) }
        tally.addAttempts(1)
        guard let head else { return .gone }
        if head.size != job.size { return .other("holds \(head.size) bytes, not the \(job.size) the index expects") }
        if let crc = head.crc64, crc != source.crc64 {
            return .other("has CRC-64 \(crc), not the \(source.crc64) the index expects")
        }
        return .indexed
    }

    /// Why the copy is not the version the index names, or nil when it is: its CRC-64 (the answer's, else
    /// HEAD's) must be the entry's; from a server that reports none, a CopyObject's ETag must be the entry's
    /// (OSS keeps the source's ETag on a copy, so another object under the source key shows another one).
    private func disproof(of copied: Copied) async throws -> String? {
        var crc = copied.crc64
        if crc == nil {
            let key = job.key
            crc = try await context.send(tally) { try await client.headObject(bucket: bucket, key: key) }?.crc64
            tally.addAttempts(1)
        }
        if let crc {
            return crc == source.crc64 ? nil : "has CRC-64 \(crc), not the \(source.crc64) the index expects"
        }
        if copied.uploadID == nil && !source.etag.isEmpty && ETag.same(copied.etag, source.etag) { return nil }
        return "has ETag \(copied.etag) and no CRC-64 from the server, which does not prove it the indexed "
            + "version (ETag \(source.etag.isEmpty ? "unknown" : source.etag))"
    }

    /// Deletes a copy that was not proved, so that no object of other bytes stays under the job's key (nor
    /// stops an upload under `if_exists: fail`: the copy was made only where no object was). Unwatched: a RAM
    /// policy that denies DeleteObject costs this delete (the upload replaces the copy), not the batch — three
    /// denials in a row would otherwise stop it as fatal.
    private func deleteCopy() async throws {
        let key = job.key
        _ = try await context.send(tally, watched: false) { try await client.deleteObject(bucket: bucket, key: key) }
        tally.addAttempts(1)
    }

    /// Warnings of a copy that does not become the job's outcome (it was not proved, or it failed): logged now,
    /// or they would be lost with it.
    private func log(_ warnings: [String]) {
        for warning in warnings {
            context.logger.warning(
                "\(job.key): \(warning)",
                metadata: .event("job_warning", job: job, ["warning": .string(warning)])
            )
        }
    }

    private func copyObject(_ options: ObjectOptions) async throws -> Copied {
        let (key, from) = (job.key, source.key)
        // Not required of the answer: OSS documents that a copy may have no CRC-64, and required, its absence
        // stopped the batch (`MissingCRC64`) on every night of `unchanged: copy` (review of e4ab55a). The copy
        // is proved by HEAD's, else by its ETag, else deleted and the file uploaded (`disproof(of:)`).
        let requireCRC = false
        try await context.buryIndexEntry(before: job)
        let result: CopyObjectResult
        do {
            result = try await context.send(tally) {
                try await client.copyObject(
                    bucket: bucket,
                    key: key,
                    sourceBucket: bucket,
                    sourceKey: from,
                    sourceETag: sourceETag,
                    options: options,
                    requireCRC64: requireCRC
                )
            }
        } catch let refusal as OSSError
            where refusal.code == .fileAlreadyExists && (tally.hadUnansweredRetry || mayHaveBeenSent)
        {
            // `if_exists: fail`, and an earlier attempt went unanswered: it may have made the copy the retry is
            // refused for. Failed, it failed FileAlreadyExists on every resume over an exact copy (review of
            // ca63f16).
            return try await settled(refusal, of: "CopyObject", options: options)
        }
        tally.addAttempts(result.attempts)
        return Copied(etag: result.etag, crc64: result.crc64)
    }

    /// A refusal `FileAlreadyExists` of `operation` (`if_exists: fail`) where this job may have made the copy
    /// (a lost answer, an earlier run of this report): settled by HEAD against the source's CRC-64 and
    /// `options`, as a PutObject's is; else the refusal stands.
    private func settled(_ refusal: OSSError, of operation: String, options: ObjectOptions) async throws -> Copied {
        let reason =
            tally.hadUnansweredRetry
            ? "\(operation)'s answer was lost and its retry refused FileAlreadyExists"
            : "an earlier run of this report may have made the copy, and \(operation) was refused FileAlreadyExists"
        guard
            let head = try await context.settledByHead(
                job,
                crc64: source.crc64,
                uploadID: nil,
                options: options,
                reason: reason,
                tally: tally
            )
        else { throw refusal }
        return Copied(etag: head.etag, crc64: head.crc64, warnings: ["\(reason); HEAD proved the copy complete"])
    }

    /// Initiate, one UploadPartCopy per part of the job's plan (or of the batch's part size), Complete. The
    /// parts' CRC-64s combine to the object's. An upload left by a failure is aborted; after the Initiate, so
    /// are the key's uploads a lost answer (or a killed run of this report) started (`StraySweep`).
    private func copyParts(_ options: ObjectOptions) async throws -> Copied {
        let (key, from) = (job.key, source.key)
        let partSize: Int64
        if case .multipart(let plan) = job.method { partSize = plan.partSize } else { partSize = job.size }
        let started = ContinuousClock.now
        let initiation: MultipartInitiation
        do {
            initiation = try await context.send(tally) {
                try await client.initiateMultipartUpload(bucket: bucket, key: key, options: options)
            }
        } catch let refusal as OSSError where refusal.code == .fileAlreadyExists && mayHaveBeenSent {
            // The earlier run completed the copy and was stopped or killed before its line said so: every resume
            // was refused here for ever over an exact copy (review of c56b4e6).
            return try await settled(refusal, of: "InitiateMultipartUpload", options: options)
        }
        let answered = Date()
        let asked = answered.addingTimeInterval(-(ContinuousClock.now - started).seconds)
        tally.addAttempts(initiation.attempts)
        let uploadID = initiation.uploadID
        var warnings: [String] = []
        if context.checksStrayUploads {
            warnings += await StraySweep(context: context, job: job, tally: tally)
                .run(keeping: uploadID, asked: asked, answered: answered).warnings
        }
        do {
            var parts: [CompletedPart] = []
            var combined = CRC64()
            var partsConfirmed = true
            var first: Int64 = 0
            while first < job.size {
                // A stop starts no other part (those of the grace period too); the upload is aborted below.
                if context.isStopping { throw CancellationError() }
                let last = min(first + partSize, job.size) - 1
                let number = parts.count + 1
                let range = first...last
                let part = try await context.send(tally) {
                    try await client.uploadPartCopy(
                        bucket: bucket,
                        key: key,
                        uploadID: uploadID,
                        partNumber: number,
                        sourceBucket: bucket,
                        sourceKey: from,
                        sourceETag: sourceETag,
                        range: range,
                        requireCRC64: false
                    )
                }
                tally.addAttempts(part.attempts)
                // A part copy may come without a CRC-64 (as documented for copies): the parts' combination is
                // then no proof, and the Complete's or HEAD's must do (`disproof(of:)`).
                partsConfirmed = partsConfirmed && part.crc64Confirmed
                combined.append(crc: part.crc64, length: UInt64(last - first + 1))
                parts.append(CompletedPart(partNumber: number, etag: part.etag))
                first = last + 1
            }
            let completed: CompleteMultipartUploadResult
            try await context.buryIndexEntry(before: job)
            do {
                completed = try await context.send(tally) {
                    try await client.completeMultipartUpload(
                        bucket: bucket,
                        key: key,
                        uploadID: uploadID,
                        parts: parts,
                        callback: nil,
                        // Where OSS checks it, the entry's `forbid_overwrite` as `if_exists: fail`'s.
                        forbidOverwrite: options.forbidOverwrite
                    )
                }
            } catch let error as OSSError where error.code == .noSuchUpload {
                // A Complete retried after a lost answer: the first may have made the object. HEAD decides.
                // The copy is of the whole source: its CRC-64 is the indexed one, whatever the parts said.
                if let settled = try await context.settledByHead(
                    job,
                    crc64: source.crc64,
                    uploadID: uploadID,
                    options: nil,
                    reason: "Complete answered NoSuchUpload",
                    tally: tally
                ) {
                    return Copied(
                        etag: settled.etag,
                        crc64: settled.crc64,
                        uploadID: uploadID,
                        warnings: warnings + ["Complete answered NoSuchUpload; HEAD proved the copy complete"]
                    )
                }
                throw error
            }
            tally.addAttempts(completed.attempts)
            return Copied(
                etag: completed.etag,
                crc64: completed.crc64 ?? (partsConfirmed ? combined.value : nil),
                uploadID: uploadID,
                warnings: warnings
            )
        } catch {
            log(warnings)
            if let error = error as? OSSError, error.code == .noSuchUpload { throw error }
            // Through the batch's limits like every request (paced, held while the service looks lost).
            do {
                try await context.send(tally, watched: false) {
                    try await client.abortMultipartUpload(bucket: bucket, key: key, uploadID: uploadID)
                }
            } catch let abort where isCancellation(error) || isCancellation(abort) {
                // Stopped, and the abort was not made (cut off by the stop, or refused): the upload stays on the
                // job's line, pending, for `resume` (whose sweep aborts it) or `abort` — and for `status` to
                // count. Dropped, it stayed open and billed with nothing to find it by (review of ca63f16).
                throw MultipartUpload.Pending(uploadID: uploadID, checkpoint: nil)
            } catch let abort {
                // As a discarded upload's (`discardUpload`): said, and left to the sweeps of `resume` and `abort`
                // (and to `uploads`). It was dropped without a word.
                context.logger.warning(
                    "\(key): could not abort the copy's upload \(uploadID): \(abort)",
                    metadata: .event("abort_failed", job: job, JobError.from(abort).logFields(uploadID: uploadID))
                )
            }
            throw error
        }
    }
}
