import Foundation
import Logging
import OSSKit
import OSSProtocol

/// Runs one `UploadJob` to an outcome: PutObject for small files, a resumable multipart upload for large
/// ones. Never throws: every way a job can end is a `JobOutcome` (cancellation ends it `pending`).
struct JobRunner: Sendable {
    let context: BatchContext

    /// The outcome, the job as actually run (its identity and part plan change when the source changed since
    /// it was planned), how many failed attempts the client retried, and how many of those were refusals for
    /// coming too fast.
    ///
    /// `redoingCallback`: the job failed `CallbackFailed` before (its object stored, its receiver not called):
    /// it is uploaded again so that OSS calls the receiver again, over its own object whatever `if_exists`
    /// says (`sendingOver(_:file:tally:)`).
    ///
    /// `mayHaveBeenSent`: an earlier run of this report may have stored the object (it left the job pending or
    /// failed: stopped, killed, or its last answer lost): a `FileAlreadyExists` over this file's own bytes is
    /// settled by HEAD.
    func run(
        _ planned: UploadJob,
        redoingCallback: Bool = false,
        mayHaveBeenSent: Bool = false
    ) async -> (
        JobOutcome, UploadJob, retries: Int, refusals: Int
    ) {
        let started = ContinuousClock.now
        let tally = JobTally()
        var warnings: [String] = []
        var job = planned
        var outcome: JobOutcome
        do {
            let file = try SourceFile(path: job.source, planned: job.identity)
            // Before the ctime is read: writes through a memory mapping must move it from here on.
            file.startPageWriteback()
            // The clock before the stat: whether the ctime had settled when this version was read.
            let statedAt = SettledChangeTime.now()
            let ctime = try file.changeTime()
            let current = try file.identity(as: job.identity)
            if current != job.identity {
                // A new version since the plan (or since the run that was interrupted): upload it as it is
                // now, from scratch; a checkpoint of the old version will not match and is discarded.
                warnings.append(
                    "source changed since it was planned (\(current.differences(from: job.identity))); uploading the current version"
                )
                job.identity = current
                guard
                    let method = PartPlanner.method(
                        size: current.size,
                        partSize: context.settings.partSize,
                        threshold: context.settings.multipartThreshold
                    )
                else {
                    throw JobError(
                        code: OSSErrorCode.entityTooLarge.rawValue,
                        message: "\(job.source) is now \(current.size) bytes, more than OSS's largest object"
                    )
                }
                job.method = method
                // Planned for one PutObject, it now goes in parts: the run made its checkpoint directory only
                // for a plan with a multipart job (review of e4ab55a: the job failed `CheckpointError`).
                if case .multipart = method, case .put = planned.method {
                    do { try context.checkpoints.prepare() } catch {
                        throw JobError(code: "CheckpointError", message: error.description)
                    }
                }
            }
            // Whether the object is the version of the file read now (a multipart upload a run killed while
            // completing is settled as the version its parts came from).
            var ofThisVersion = true
            let sendingOver = redoingCallback ? try await self.sendingOver(job, file: file, tally: tally) : false
            if let copied = try await copyIfIndexed(
                job,
                file: file,
                ctime: ctime,
                mayHaveBeenSent: mayHaveBeenSent,
                tally: tally,
                warnings: &warnings
            ) {
                outcome = copied
            } else {
                switch job.method {
                case .put:
                    outcome = try await runPut(
                        job,
                        file: file,
                        ctime: ctime,
                        sendingOver: sendingOver,
                        mayHaveBeenSent: mayHaveBeenSent,
                        tally: tally
                    )
                    if case .multipart = planned.method, outcome.status != .failed {
                        await discardLeftoverUpload(of: job, tally: tally)
                    }
                case .multipart(let partPlan):
                    do {
                        (outcome, ofThisVersion) = try await MultipartUpload(
                            context: context,
                            job: job,
                            partPlan: partPlan,
                            file: file,
                            ctime: ctime,
                            statedAt: statedAt,
                            tally: tally,
                            sendingOver: sendingOver
                        ).run()
                    } catch let refusal as OSSError where refusal.code == .fileAlreadyExists && mayHaveBeenSent {
                        // A new upload's Initiate refused: the earlier run completed the upload and removed its
                        // checkpoint before its line said so.
                        outcome = try await settledOverExisting(
                            job,
                            file: file,
                            ctime: ctime,
                            refusal: refusal,
                            reason: "an earlier run of this report may have completed it, and "
                                + "InitiateMultipartUpload was refused FileAlreadyExists",
                            tally: tally
                        )
                    }
                }
            }
            // With the index kept, the journal line says which version of the file the object is (`ctime_ns`),
            // and the index takes it from there; a version whose ctime had not settled is not vouched for.
            // A batch without `unchanged` only takes its keys out of another batch's index (`IndexWriter.vouches`).
            // An object `if_exists: skip` found identical is indexed too (`IndexWriter.entry(for:_:)`), for the
            // version whose bytes gave the CRC-64 HEAD matched: settled before, and the same file after (no
            // warning when not: nothing was uploaded, the next night asks again).
            if context.index != nil && context.settings.unchanged != .upload && ofThisVersion {
                if outcome.status == .succeeded {
                    if let unsettled = SettledChangeTime.unsettled(ctime, at: statedAt) {
                        warnings.append(unsettled)
                    } else {
                        outcome.ctimeNanoseconds = ctime
                    }
                } else if outcome.reason == .identical && SettledChangeTime.isSettled(ctime, at: statedAt)
                    && isUnchanged(job, file: file, ctime: ctime)
                {
                    outcome.ctimeNanoseconds = ctime
                }
            }
        } catch let error as MultipartUpload.Failure {
            outcome = JobOutcome(
                key: job.key,
                status: .failed,
                uploadID: error.uploadID,
                checkpoint: error.checkpoint,
                error: error.error
            )
            outcome.callback = error.callback
        } catch let gone as SourceFile.Vanished {
            outcome = await vanished(job, gone, tally: tally)
        } catch let error as MultipartUpload.Pending {
            outcome = JobOutcome(
                key: job.key,
                status: .pending,
                uploadID: error.uploadID,
                checkpoint: error.checkpoint
            )
        } catch {
            // No credentials to sign with: the request never went out, and the batch stops on it (its fatal
            // error says why): the job is unfinished, for `resume`, not failed.
            if wasNeverSent(error) {
                outcome = JobOutcome(key: job.objectKey, status: .pending)
            } else {
                outcome = JobOutcome(key: job.key, status: .failed, error: JobError.from(error))
                // Failed before its upload was taken up (a source that cannot be opened now): the upload an
                // earlier run began stays this batch's, in its line — without it, status no longer counted it
                // open and `uploads --abort` took it for a stray (audit of 5125a01).
                if let kept = keptUpload(job) {
                    outcome.uploadID = kept.uploadID
                    outcome.checkpoint = kept.checkpoint
                }
                if case .service(let e, _)? = error as? OSSError, e.code == .callbackFailed {
                    outcome.callback = CallbackResult(status: e.httpStatus, body: e.details["body"] ?? e.message)
                }
            }
        }
        if let more = outcome.warnings { warnings.insert(contentsOf: more, at: 0) }
        outcome.warnings = warnings.isEmpty ? nil : warnings
        outcome.attempts = tally.attempts
        outcome.bytesSent = tally.bytes
        outcome.durationMilliseconds = (ContinuousClock.now - started).milliseconds
        return (outcome, job, tally.retries, tally.refusals)
    }

    /// The multipart upload this batch's checkpoint holds for `job`, if one does.
    private func keptUpload(_ job: UploadJob) -> (uploadID: String, checkpoint: String)? {
        guard case .multipart = job.method else { return nil }
        let path = context.checkpoints.path(bucket: context.bucket, key: job.key, source: job.source)
        guard let owned = context.checkpoints.ownedUpload(path), owned.report == context.report else { return nil }
        return (owned.uploadID, path)
    }

    /// A job planned as a multipart upload that became a PutObject (its file now under the threshold: a log
    /// `copytruncate`d between a killed run and its resume) has the upload and checkpoint of its earlier version
    /// given up once the object is there: nothing else read them again, and the upload stayed open (and billed)
    /// with no line naming it (review of e4ab55a). Its key is this job's, locked: no other run is using it.
    private func discardLeftoverUpload(of job: UploadJob, tally: JobTally) async {
        let path = context.checkpoints.path(bucket: context.bucket, key: job.key, source: job.source)
        guard let uploadID = context.checkpoints.uploadIDForCleanup(path) else { return }
        await context.discardUpload(key: job.key, checkpoint: path, uploadID: uploadID, tally: tally)
    }

    /// A source gone since the plan is `skipped` (reason `vanished`), not `failed`: `resume` could only fail
    /// it again, and the next `run` plans what is there now. An upload a checkpoint kept for it is aborted,
    /// not left open (and billed).
    private func vanished(_ job: UploadJob, _ gone: SourceFile.Vanished, tally: JobTally) async -> JobOutcome {
        if case .multipart = job.method {
            let store = context.checkpoints
            let path = store.path(bucket: context.bucket, key: job.key, source: job.source)
            if let uploadID = store.uploadIDForCleanup(path) {
                await context.discardUpload(key: job.key, checkpoint: path, uploadID: uploadID, tally: tally)
            }
        }
        return JobOutcome(
            key: job.key,
            status: .skipped,
            reason: .vanished,
            warnings: ["source vanished since it was planned (\(job.source): \(gone.reason)); not uploaded"]
        )
    }

    /// `upload.unchanged: copy`: a server-side copy when the index has this file version under another key
    /// (after `if_exists: skip`'s check, which may find the object there already); nil to upload. A copy tried
    /// and given up (its source gone, or not proved) says so in `warnings`: the job's line shows why a file the
    /// index has was uploaded.
    private func copyIfIndexed(
        _ job: UploadJob,
        file: SourceFile,
        ctime: Int64,
        mayHaveBeenSent: Bool,
        tally: JobTally,
        warnings: inout [String]
    ) async throws
        -> JobOutcome?
    {
        guard context.settings.unchanged == .copy, job.options.callback == nil, let index = context.index,
            let source = ServerSideCopy.source(for: job, ctime: ctime, in: index)
        else { return nil }
        // An upload a checkpoint keeps (an interrupted run) is finished, not replaced by a copy.
        let checkpoint = context.checkpoints.path(bucket: context.bucket, key: job.key, source: job.source)
        if FileManager.default.fileExists(atPath: checkpoint) { return nil }
        if context.settings.ifExists == .skip, let skipped = try await skipIfIdentical(job, file: file, tally: tally) {
            return skipped
        }
        var copy = ServerSideCopy(context: context, job: job, source: source, tally: tally)
        copy.mayHaveBeenSent = mayHaveBeenSent
        switch try await copy.run() {
        case .copied(let outcome):
            return outcome
        case .upload(let why):
            if let why { warnings.append(why) }
            return nil
        }
    }

    /// Whether a job whose callback failed is sent over the object at its key (`MultipartUpload.sendingOver`):
    /// under `if_exists: skip` it is (the object is the one whose callback failed: skipped as identical, the
    /// receiver was never called again, exit 0); under `fail` when HEAD finds this file's bytes there (its own
    /// object: refused `FileAlreadyExists`, the job failed on every resume for ever), else it is someone
    /// else's and refused as any; under `overwrite` it is sent anyway (review of e4ab55a).
    private func sendingOver(_ job: UploadJob, file: SourceFile, tally: JobTally) async throws -> Bool {
        guard job.options.callback != nil else { return false }
        switch context.settings.ifExists {
        case .overwrite: return false
        case .skip: return true
        case .fail: return try await skipIfIdentical(job, file: file, tally: tally) != nil
        }
    }

    /// One PutObject, the source stat'ed before and after.
    private func runPut(
        _ job: UploadJob,
        file: SourceFile,
        ctime: Int64,
        sendingOver: Bool,
        mayHaveBeenSent: Bool,
        tally: JobTally
    ) async throws -> JobOutcome {
        let client = context.client
        let bucket = context.bucket
        if context.settings.ifExists == .skip, !sendingOver,
            let skipped = try await skipIfIdentical(job, file: file, tally: tally)
        {
            return skipped
        }
        var options = job.options
        if context.settings.ifExists == .fail && !sendingOver { options.forbidOverwrite = true }
        let verify = context.settings.verify
        let body = ObjectBody.file(descriptor: file.descriptor, offset: 0, length: job.size)
        try await context.buryIndexEntry(before: job)
        let result: PutObjectResult
        do {
            result = try await context.send(tally) {
                try await client.putObject(
                    bucket: bucket,
                    key: job.key,
                    body: body,
                    options: options,
                    contentMD5: verify.sendsContentMD5,
                    requireCRC64: verify.requiresCRC64
                )
            }
        } catch let refusal as OSSError
            where refusal.code == .fileAlreadyExists && (tally.hadUnansweredRetry || mayHaveBeenSent)
        {
            // `if_exists: fail`, and an earlier attempt of this very request went unanswered: it may have stored
            // the object the retry is refused for. Settled by HEAD against the file's own CRC-64, or the job
            // failed FileAlreadyExists on every resume for ever over an exact object (audit of 72b75db). Only
            // then: after an answered 503 nothing was stored, and the object is someone else's (review).
            return try await settledOverExisting(
                job,
                file: file,
                ctime: ctime,
                refusal: refusal,
                reason: tally.hadUnansweredRetry
                    ? "PutObject's answer was lost and its retry refused FileAlreadyExists"
                    : "an earlier run of this report may have stored it, and PutObject was refused FileAlreadyExists",
                tally: tally
            )
        }
        tally.addAttempts(result.attempts)
        tally.addBytes(job.size)
        try verifyUnchanged(job, file: file, ctime: ctime)
        var outcome = JobOutcome(
            key: job.key,
            status: .succeeded,
            etag: result.etag,
            crc64: String(result.crc64)
        )
        if job.options.callback != nil {
            outcome.callback = CallbackResult(status: result.status, body: result.callbackBody ?? "")
        }
        return outcome
    }

    /// A job refused `FileAlreadyExists` (`if_exists: fail`) over an object that may be its own — a lost
    /// answer's, or an earlier run's of this report (stopped or killed after the object was made, before its
    /// line said so: a resume sent it again and was refused on every resume for ever; review of e4ab55a):
    /// `succeeded` when HEAD shows this file's bytes, else the refusal.
    func settledOverExisting(
        _ job: UploadJob,
        file: SourceFile,
        ctime: Int64,
        refusal: OSSError,
        reason: String,
        tally: JobTally
    ) async throws -> JobOutcome {
        try verifyUnchanged(job, file: file, ctime: ctime)
        let crc = try file.crc64(offset: 0, length: job.size)
        guard
            let head = try await context.settledByHead(
                job,
                crc64: crc,
                uploadID: nil,
                options: job.options,
                reason: reason,
                tally: tally
            )
        else { throw refusal }
        return JobOutcome(
            key: job.key,
            status: .succeeded,
            etag: head.etag,
            crc64: String(crc),
            warnings: ["\(reason); HEAD proved the object this file's bytes"]
        )
    }

    /// `if_exists: skip`: HEAD the key; an object of the same size and CRC-64 as the local file is kept —
    /// unless the upload index says it was uploaded with other options (metadata, ACL, storage class, …):
    /// then it is uploaded again, with tonight's. Kept, the object would keep last night's options for good
    /// (the skip's entry would vouch for it), where the manifest says changed options upload. An entry of an
    /// object ossbatch found rather than sent (`IndexEntry.optionsUnknown`) says nothing of its options: kept.
    func skipIfIdentical(_ job: UploadJob, file: SourceFile, tally: JobTally) async throws -> JobOutcome? {
        let client = context.client
        let bucket = context.bucket
        guard let head = try await context.send(tally, { try await client.headObject(bucket: bucket, key: job.key) })
        else {
            tally.addAttempts(1)
            return nil
        }
        tally.addAttempts(1)
        guard head.size == job.size, let remote = head.crc64 else { return nil }
        let keyed = try? context.index?.entry(key: job.key)
        let local = try indexedCRC(job, file: file, keyed: keyed) ?? file.crc64(offset: 0, length: job.size)
        guard local == remote else { return nil }
        // An entry of an object ossbatch found (`IndexEntry.optionsUnknown`) says nothing of its options.
        if let keyed, keyed.optionsHash != IndexEntry.optionsUnknown, !job.options.matchesIndexHash(keyed.optionsHash) {
            return nil
        }
        return JobOutcome(
            key: job.key,
            status: .skipped,
            reason: .identical,
            etag: head.etag,
            crc64: String(remote)
        )
    }

    /// The CRC-64 the upload index has for this very version of the file (any key; `keyed` is the entry of the
    /// job's own), so that `if_exists: skip` need not read it; nil without an index or an entry.
    private func indexedCRC(_ job: UploadJob, file: SourceFile, keyed: IndexEntry?) throws(JobError) -> UInt64? {
        guard let index = context.index else { return nil }
        let ctime = try file.changeTime()
        guard try file.identity(as: job.identity) == job.identity else { return nil }
        if let keyed, keyed.sameVersion(as: job, ctime: ctime) { return keyed.crc64 }
        return ServerSideCopy.source(for: job, ctime: ctime, in: index)?.crc64
    }

    /// How the file differs from the version the job began with, if it does.
    struct SourceChange {
        var what: String
        /// Only the ctime moved (a chmod, a chown, a new hard link, or a rewrite in place that put size and
        /// mtime back): a multipart upload keeps its parts for `resume` to prove against the file's bytes.
        var onlyChangeTime: Bool

        var error: JobError {
            JobError(
                code: "SourceChanged",
                message: "source changed while it was being uploaded (\(what)); run resume to upload the new version"
            )
        }
    }

    /// The file must be the same version after sending as before: same through our descriptor, and still the
    /// file at its path; `nil` when it is. Otherwise the object may mix two versions, and the job fails.
    /// `ctime` is the file's when the job began: a rewrite in place that restores size and mtime (`touch -r`,
    /// `rsync --inplace`) moves only it (a `chmod` moves it too: the job then fails; conservative).
    func change(since job: UploadJob, file: SourceFile, ctime: Int64) throws(JobError) -> SourceChange? {
        let now = try file.identity(as: job.identity)
        if now != job.identity { return SourceChange(what: now.differences(from: job.identity), onlyChangeTime: false) }
        let atPath = try SourceFile.identity(atPath: job.source, as: job.identity)
        if atPath != job.identity {
            return SourceChange(what: atPath.differences(from: job.identity), onlyChangeTime: false)
        }
        let ctimeNow = try file.changeTime()
        guard ctimeNow == ctime else {
            return SourceChange(
                what: "ctime \(ctime) → \(ctimeNow): rewritten in place, or its permissions or owner changed",
                onlyChangeTime: true
            )
        }
        return nil
    }

    /// Whether the file is still the version the job began with (`change(since:file:ctime:)` finds no change and
    /// can look).
    func isUnchanged(_ job: UploadJob, file: SourceFile, ctime: Int64) -> Bool {
        do { return try change(since: job, file: file, ctime: ctime) == nil } catch { return false }
    }

    /// `change(since:file:ctime:)` as an error.
    func verifyUnchanged(_ job: UploadJob, file: SourceFile, ctime: Int64) throws(JobError) {
        if let change = try change(since: job, file: file, ctime: ctime) { throw change.error }
    }
}

extension Duration {
    package var seconds: Double {
        let c = components
        return Double(c.seconds) + Double(c.attoseconds) / 1e18
    }

    /// Whole milliseconds, rounded to the nearest.
    package var milliseconds: Int64 {
        let c = components
        return c.seconds * 1000 + (c.attoseconds + 500_000_000_000_000) / 1_000_000_000_000_000
    }
}
