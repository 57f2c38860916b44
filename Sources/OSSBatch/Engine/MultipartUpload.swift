import Digests
import Foundation
import Logging
import OSSKit

/// One resumable multipart upload: find or start the upload, send the parts the server does not already
/// have, complete, prove the object. Progress lives in a `Checkpoint` so that a run killed at any instant
/// resumes without sending again a part the server confirmed.
struct MultipartUpload {
    /// The job failed; what the report should keep (the checkpoint stays when the upload can continue).
    struct Failure: Error {
        var error: JobError
        var uploadID: String?
        var checkpoint: String?
        var callback: CallbackResult?
    }

    /// The job was stopped (interrupt or fatal stop) with its progress saved.
    struct Pending: Error {
        var uploadID: String?
        var checkpoint: String?
    }

    let context: BatchContext
    let job: UploadJob
    let partPlan: PartPlan
    let file: SourceFile
    /// The source's ctime when the job began: the version the parts must all come from.
    let ctime: Int64
    /// The clock before the stat that gave `ctime` (`SettledChangeTime`): a checkpoint records the ctime its
    /// parts were read at only when it had settled then.
    let statedAt: Int64
    let tally: JobTally
    /// The object at the key is this job's own, stored by an upload whose callback failed: it is sent again
    /// over it (so that OSS calls the receiver again), not skipped as identical nor refused as existing.
    var sendingOver = false

    private var client: OSSClient { context.client }
    private var bucket: String { context.bucket }
    private var store: CheckpointStore { context.checkpoints }
    private var logger: Logger { context.logger }

    /// Whether the object may not replace one under its key (the entry's `forbid_overwrite`, or `if_exists: fail`
    /// but for a job sent again over its own object for its callback): said at Initiate and again at Complete,
    /// where OSS checks it (the entry's was said at Initiate alone, and an object put under the key meanwhile was
    /// replaced: review of c56b4e6).
    private var forbidsOverwrite: Bool {
        job.options.forbidOverwrite || (context.settings.ifExists == .fail && !sendingOver)
    }

    /// `ctime`, for a checkpoint, when it had settled before this job's stat; else `nil`, which a resume takes
    /// as a ctime it cannot rely on (each part proven against the file's bytes; a completed upload not the file's
    /// version for the index). Recorded while unsettled, a resume the next night — the ctime settled by then —
    /// kept parts read before a rewrite within the same tick, and the index vouched for the mixed object
    /// (review of b7bf3fd).
    private var settledCtime: Int64? { SettledChangeTime.isSettled(ctime, at: statedAt) ? ctime : nil }

    /// The outcome, and whether the object is the version of the file read now (`ctime`): an upload a killed
    /// run was completing is settled as the version its parts came from, which the upload index must not
    /// take for tonight's.
    func run() async throws -> (JobOutcome, ofThisVersion: Bool) {
        let path = store.path(bucket: bucket, key: job.key, source: job.source)
        var warnings: [String] = []

        if context.settings.ifExists == .skip, !sendingOver,
            let skipped = try await JobRunner(context: context).skipIfIdentical(job, file: file, tally: tally)
        {
            // A checkpoint left for this key is no longer needed; its upload (if still open) would be an orphan.
            await discard(path: path, uploadID: store.uploadIDForCleanup(path))
            return (skipped, true)
        }

        // 1. An upload to continue, or a new one.
        var resumed = try await resumeFromCheckpoint(at: path, warnings: &warnings)
        if case .succeeded(let outcome, let ofThisVersion)? = resumed {
            var outcome = outcome
            warnings += outcome.warnings ?? []
            outcome.warnings = warnings.isEmpty ? nil : warnings
            return (outcome, ofThisVersion)
        }
        var checkpoint: Checkpoint
        var reused = 0
        // When this run's Initiate was asked and answered (`StrayUploads.initiateWindow`); `nil` when the upload
        // is an earlier run's.
        var initiated: (asked: Date, answered: Date)?
        if case .continuing(let c, let kept)? = resumed {
            checkpoint = c
            reused = kept
            // The run that started the upload did not finish its sweep (stopped, or its listing failed): the
            // strays a lost Initiate answer left are within one of the report's earlier runs, and around this
            // upload's own start, which the listing gives (`StrayUploads.initiateWindow`); no Initiate was timed
            // by this run, so its window is an instant.
            if checkpoint.sweepOwed, context.checksStrayUploads {
                let now = Date()
                let sweep = await StraySweep(context: context, job: job, tally: tally)
                    .run(keeping: checkpoint.uploadID, asked: now, answered: now)
                warnings += sweep.warnings
                checkpoint.sweepOwed = !sweep.done
            }
        } else {
            var options = job.options
            if forbidsOverwrite { options.forbidOverwrite = true }
            let key = job.key
            // How long the Initiate took, by the monotonic clock: a wall clock stepped meanwhile (NTP after a
            // resume) made it look an hour long, and the sweep's window then took in another batch's upload of
            // this key as the lost answer's (clock-step audit). Both ends on the wall clock of the answer.
            let started = ContinuousClock.now
            let initiation = try await context.send(tally) {
                try await client.initiateMultipartUpload(bucket: bucket, key: key, options: options)
            }
            let uploadID = initiation.uploadID
            let answered = Date()
            let asked = answered.addingTimeInterval(-(ContinuousClock.now - started).seconds)
            initiated = (asked, answered)
            tally.addAttempts(initiation.attempts)
            checkpoint = Checkpoint(
                bucket: bucket,
                key: job.key,
                source: job.source,
                identity: job.identity,
                partPlan: partPlan,
                uploadID: uploadID,
                report: context.report
            )
            checkpoint.ctimeNanoseconds = settledCtime
            // Saved as owed until the sweep below has run to its end: a stop that cuts it off leaves it to the
            // run that continues the upload.
            checkpoint.sweepOwed = context.checksStrayUploads
            do {
                try store.save(checkpoint, to: path)
            } catch {
                // Without a checkpoint a crash would orphan the upload: give it back now.
                try? await context.send(tally) {
                    try await client.abortMultipartUpload(bucket: bucket, key: key, uploadID: uploadID)
                }
                throw Failure(error: JobError.from(error), uploadID: nil, checkpoint: nil)
            }
            if context.checksStrayUploads {
                let sweep = await StraySweep(context: context, job: job, tally: tally)
                    .run(keeping: uploadID, asked: asked, answered: answered)
                warnings += sweep.warnings
                // Written with the first part recorded (`CheckpointWriter`).
                checkpoint.sweepOwed = !sweep.done
            }
        }
        resumed = nil

        // 2. The missing parts, concurrently under the global request limit.
        let writer = CheckpointWriter(store: store, path: path, checkpoint: checkpoint)
        let done = Set(checkpoint.parts.map(\.number))
        let missing = (1...partPlan.partCount).filter { !done.contains($0) }
        do {
            try await uploadParts(missing, uploadID: checkpoint.uploadID, writer: writer)
        } catch {
            try? writer.flush()
            if isCancellation(error) || context.isStopping && !(error is Failure) {
                throw Pending(uploadID: checkpoint.uploadID, checkpoint: path)
            }
            if let failure = error as? Failure { throw failure }
            throw Failure(error: JobError.from(error), uploadID: checkpoint.uploadID, checkpoint: path)
        }
        checkpoint = writer.current

        // 3. Same file as the parts came from? Otherwise the object would mix versions.
        let change: JobRunner.SourceChange?
        do { change = try JobRunner(context: context).change(since: job, file: file, ctime: ctime) } catch {
            await discard(path: path, uploadID: checkpoint.uploadID)
            throw Failure(error: error, uploadID: nil, checkpoint: nil)
        }
        if let change {
            // Only the ctime moved: the upload is kept, and `resume` proves each part against the file's bytes,
            // reusing every one that is right. Otherwise the parts are of another file.
            if change.onlyChangeTime {
                throw Failure(error: change.error, uploadID: checkpoint.uploadID, checkpoint: path)
            }
            await discard(path: path, uploadID: checkpoint.uploadID)
            throw Failure(error: change.error, uploadID: nil, checkpoint: nil)
        }

        // 4. Complete, then prove the object. A sweep still owed (its listing failed while the parts went up)
        // is tried once more first: completed, the checkpoint goes, and with it what said a sweep was owed — the
        // upload a lost Initiate answer started stayed open (and billed), the job succeeded (review of e4ab55a).
        if checkpoint.sweepOwed, context.checksStrayUploads {
            let now = Date()
            let window = initiated ?? (now, now)
            let sweep = await StraySweep(context: context, job: job, tally: tally)
                .run(keeping: checkpoint.uploadID, asked: window.asked, answered: window.answered)
            warnings += sweep.warnings
            checkpoint.sweepOwed = !sweep.done
            if checkpoint.sweepOwed {
                warnings.append(
                    "the search for an upload a lost InitiateMultipartUpload answer may have left open could not run; "
                        + "`ossbatch uploads` lists such uploads and `--abort` ends them"
                )
            }
        }
        checkpoint.completing = true
        do { try store.save(checkpoint, to: path) } catch {
            throw Failure(error: JobError.from(error), uploadID: checkpoint.uploadID, checkpoint: path)
        }
        var outcome = try await complete(checkpoint, path: path)
        outcome.partsReused = reused
        warnings += outcome.warnings ?? []
        outcome.warnings = warnings.isEmpty ? nil : warnings
        return (outcome, true)
    }

    // MARK: - Resume

    private enum Resumed {
        case continuing(Checkpoint, keptParts: Int)
        /// Settled by HEAD; whether the checkpoint's parts came from the version of the file read now.
        case succeeded(JobOutcome, ofThisVersion: Bool)
    }

    /// Reads the checkpoint, checks it against the source and the server, and keeps every part the server
    /// confirms. Returns `nil` when the job must start a new upload.
    private func resumeFromCheckpoint(at path: String, warnings: inout [String]) async throws -> Resumed? {
        guard let loaded = store.load(path) else { return nil }
        var checkpoint: Checkpoint
        switch loaded {
        case .failure(.unreadable(let why)):
            // Kept for `resume`, with the upload it names (the report line keeps both: `JobRunner.keptUpload`).
            throw JobError(code: "CheckpointError", message: "its checkpoint cannot be read now (\(why)); it is kept")
        case .failure(let problem):
            warnings.append("\(problem); discarded, starting over")
            logger.warning(
                "\(job.key): \(problem); discarded, starting over",
                metadata: .event(
                    "checkpoint_discarded",
                    job: job,
                    ["checkpoint": .string(path), "reason": "\(problem)"]
                )
            )
            await discard(path: path, uploadID: store.uploadIDForCleanup(path))
            return nil
        case .success(let c):
            checkpoint = c
        }
        if let owner = checkpoint.report, owner != context.report, mismatch(checkpoint) == nil {
            // Another batch's upload of this very file (an earlier run of the manifest, interrupted): this
            // batch continues it and takes it over, so `abort` of the other report leaves it alone.
            warnings.append("continuing upload \(checkpoint.uploadID), which the batch of \(owner) started")
            checkpoint.report = context.report
        }
        if let problem = mismatch(checkpoint) {
            warnings.append("\(problem); discarded, starting over")
            logger.warning(
                "\(job.key): \(problem); discarded, starting over",
                metadata: .event(
                    "checkpoint_discarded",
                    job: job,
                    ["checkpoint": .string(path), "reason": "\(problem)"]
                )
            )
            await discard(path: path, uploadID: checkpoint.uploadID)
            return nil
        }

        let key = job.key
        let uploadID = checkpoint.uploadID
        let listed: [ListedPart]
        do {
            listed = try await context.send(tally) {
                try await client.listParts(bucket: bucket, key: key, uploadID: uploadID)
            }
            tally.addAttempts(1)
        } catch let error as OSSError where error.code == .noSuchUpload {
            // Completed by a run that died before deleting its checkpoint, or aborted by someone else.
            if checkpoint.completing,
                let outcome = try await settleByHead(checkpoint, path: path, after: "the upload is gone (NoSuchUpload)")
            {
                return .succeeded(outcome, ofThisVersion: checkpoint.ctimeNanoseconds == ctime)
            }
            warnings.append("upload \(uploadID) no longer exists (NoSuchUpload); starting a new upload")
            logger.warning(
                "\(job.key): upload \(uploadID) no longer exists; starting a new upload",
                metadata: .event(
                    "upload_restarted",
                    job: job,
                    ["upload_id": .string(uploadID), "code": "NoSuchUpload"]
                )
            )
            store.remove(path)
            return nil
        } catch let error as OSSError where error.isNotImplemented {
            // A server without ListParts: which parts it holds cannot be known, so the upload starts afresh (the
            // old one is aborted, not orphaned).
            let why = "the server cannot list the parts of upload \(uploadID) (NotImplemented)"
            warnings.append("\(why); starting a new upload")
            logger.warning("\(job.key): \(why); starting a new upload")
            await discard(path: path, uploadID: uploadID)
            return nil
        } catch {
            if wasNeverSent(error) { throw Pending(uploadID: uploadID, checkpoint: path) }
            // Never silently open a second upload: the old one would be orphaned with its parts.
            var jobError = JobError.from(error)
            jobError.message = "cannot list the parts of upload \(uploadID) to resume it: \(jobError.message)"
            throw Failure(error: jobError, uploadID: uploadID, checkpoint: path)
        }

        // Keep every part the server has whose ETag (recorded parts) or CRC-64 of the local bytes
        // (parts the checkpoint had not yet recorded when the run died) matches — not only a leading run.
        // When the file's ctime is not the one its parts were read at (rewritten in place with size and mtime
        // restored), or is not known (a checkpoint older than the field, or one whose ctime had not settled when
        // its parts were read: `settledCtime`), every part is proven against the local bytes.
        let sameVersion = checkpoint.ctimeNanoseconds == ctime
        if !sameVersion && !checkpoint.parts.isEmpty {
            warnings.append(
                checkpoint.ctimeNanoseconds == nil
                    ? "the source's ctime when its parts were read is not known (it had not settled, or the checkpoint is older); each part is checked against the file before it is reused"
                    : "the source's ctime is not the one its parts were read at; each part is checked against the file before it is reused"
            )
        }
        let recorded = Dictionary(checkpoint.parts.map { ($0.number, $0) }, uniquingKeysWith: { a, _ in a })
        var kept: [Checkpoint.Part] = []
        for part in listed where part.partNumber >= 1 && part.partNumber <= partPlan.partCount {
            let range = partPlan.range(ofPart: part.partNumber, fileSize: job.size)
            guard part.size == range.length else { continue }
            let mine = recorded[part.partNumber].flatMap { $0.etag == part.etag ? $0 : nil }
            if let mine, sameVersion, part.crc64 == nil || part.crc64 == mine.crc64 {
                kept.append(mine)
            } else if let remote = part.crc64 ?? mine?.crc64,
                try file.crc64(offset: range.offset, length: range.length) == remote
            {
                kept.append(Checkpoint.Part(number: part.partNumber, size: part.size, etag: part.etag, crc64: remote))
            }
        }
        checkpoint.parts = kept.sorted { $0.number < $1.number }
        // The parts kept were proven against this version's bytes (or read while its ctime had settled).
        checkpoint.ctimeNanoseconds = settledCtime
        checkpoint.completing = false
        try? store.save(checkpoint, to: path)
        logger.info(
            "\(job.key): resuming upload \(uploadID) with \(kept.count) of \(partPlan.partCount) parts already on the server",
            metadata: .event(
                "upload_resumed",
                job: job,
                [
                    "upload_id": .string(uploadID), "parts_kept": .number(kept.count),
                    "parts": .number(partPlan.partCount),
                ]
            )
        )
        return .continuing(checkpoint, keptParts: kept.count)
    }

    /// Why `checkpoint` cannot continue this job, if it cannot.
    private func mismatch(_ checkpoint: Checkpoint) -> CheckpointProblem? {
        // Whose checkpoint it is comes first: another file's (a copied or misplaced checkpoint) was reported as
        // this source having changed (audit of 7f6ac3f).
        if checkpoint.bucket != bucket || checkpoint.key != job.key || checkpoint.source != job.source {
            return .mismatched("oss://\(checkpoint.bucket)/\(checkpoint.key) from \(checkpoint.source)")
        }
        if checkpoint.identity != job.identity {
            return .sourceChanged(job.identity.differences(from: checkpoint.identity))
        }
        if checkpoint.partPlan != partPlan {
            return .mismatched(
                "part size \(checkpoint.partSize) × \(checkpoint.partCount), planned \(partPlan.partSize) × \(partPlan.partCount)"
            )
        }
        return nil
    }

    /// Deletes a checkpoint and aborts its upload, so a discarded checkpoint leaves no orphaned parts.
    private func discard(path: String, uploadID: String?) async {
        await context.discardUpload(key: job.key, checkpoint: path, uploadID: uploadID, tally: tally)
    }

    // MARK: - Parts

    private func uploadParts(_ numbers: [Int], uploadID: String, writer: CheckpointWriter) async throws {
        let verify = context.settings.verify
        let key = job.key
        let fd = file.descriptor
        try await withThrowingTaskGroup(of: Void.self) { group in
            // At most `partsPerFile` parts of this file are started at a time (fewer than `concurrency` only
            // under a bandwidth cap); the global request limit inside `send` interleaves them with the parts of
            // other files.
            var running = 0
            let partsPerFile = BatchContext.partsInFlight(settings: context.settings, partSize: partPlan.partSize)
            for number in numbers {
                if running >= partsPerFile {
                    try await group.next()
                    running -= 1
                }
                // Checked after the wait too: a part that finishes during the grace period must not start another.
                if context.isStopping { break }
                let range = partPlan.range(ofPart: number, fileSize: job.size)
                group.addTask {
                    do {
                        let result = try await context.send(tally) {
                            try await client.uploadPart(
                                bucket: bucket,
                                key: key,
                                uploadID: uploadID,
                                partNumber: number,
                                body: .file(descriptor: fd, offset: range.offset, length: range.length),
                                contentMD5: verify.sendsContentMD5,
                                requireCRC64: verify.requiresCRC64
                            )
                        }
                        tally.addAttempts(result.attempts)
                        tally.addBytes(range.length)
                        try writer.record(
                            Checkpoint.Part(number: number, size: range.length, etag: result.etag, crc64: result.crc64)
                        )
                    } catch let error where isCancellation(error) && !Task.isCancelled && context.isStopping {
                        // Held (the service looked lost) when the batch stopped: given up unsent. Thrown, it would
                        // cancel this file's other parts, which the stop's grace lets finish; the stop makes the
                        // job pending below.
                    }
                }
                running += 1
            }
            try await group.waitForAll()
        }
        if context.isStopping { throw CancellationError() }
        try writer.flush()
    }

    // MARK: - Complete

    private func complete(_ checkpoint: Checkpoint, path: String) async throws -> JobOutcome {
        let key = job.key
        let uploadID = checkpoint.uploadID
        let parts = checkpoint.parts.map { CompletedPart(partNumber: $0.number, etag: $0.etag) }
        guard let expected = checkpoint.objectCRC64, parts.count == partPlan.partCount else {
            throw Failure(
                error: JobError(code: "InternalError", message: "not every part is recorded before completing"),
                uploadID: uploadID,
                checkpoint: path
            )
        }
        // The parts must be 1…N and cover the source exactly: an object is never completed short or long.
        let covered = checkpoint.parts.reduce(Int64(0)) { $0 + $1.size }
        guard covered == job.size, checkpoint.identity.size == job.size,
            checkpoint.parts.map(\.number) == Array(1...partPlan.partCount)
        else {
            throw Failure(
                error: JobError(
                    code: "IntegrityError",
                    message: "the parts recorded cover \(covered) bytes, the source has \(job.size): not completed"
                ),
                uploadID: uploadID,
                checkpoint: path
            )
        }
        let result: CompleteMultipartUploadResult
        do { try await context.buryIndexEntry(before: job) } catch {
            if isCancellation(error) { throw Pending(uploadID: uploadID, checkpoint: path) }
            throw Failure(error: JobError.from(error), uploadID: uploadID, checkpoint: path)
        }
        do {
            result = try await context.send(tally) {
                try await client.completeMultipartUpload(
                    bucket: bucket,
                    key: key,
                    uploadID: uploadID,
                    parts: parts,
                    callback: job.options.callback,
                    forbidOverwrite: forbidsOverwrite
                )
            }
            tally.addAttempts(result.attempts)
        } catch let error as OSSError where error.code == .fileAlreadyExists {
            // `if_exists: fail`, and an object appeared under the key since the Initiate (or the earlier run's
            // Complete made it, its answer lost): this file's bytes there settle it; another object fails the job,
            // its upload given up (kept, every resume met the same refusal, the parts billed).
            if var outcome = try await settleByHead(checkpoint, path: path, after: "Complete refused FileAlreadyExists")
            {
                await discard(path: path, uploadID: uploadID)
                outcome.uploadID = nil  // not this upload's object: it is given up
                return outcome
            }
            await discard(path: path, uploadID: uploadID)
            throw Failure(error: JobError(error), uploadID: nil, checkpoint: nil)
        } catch let error as OSSError where error.code == .noSuchUpload {
            // A Complete retried after a lost response: the first may have succeeded. HEAD decides.
            if let outcome = try await settleByHead(checkpoint, path: path, after: "Complete answered NoSuchUpload") {
                return outcome
            }
            store.remove(path)
            throw Failure(error: JobError(error), uploadID: uploadID, checkpoint: nil)
        } catch let error as OSSError where error.code == .callbackFailed {
            // The object is stored; only the callback failed. The upload is consumed, so is the checkpoint.
            store.remove(path)
            guard case .service(let e, _) = error else { throw error }
            throw Failure(
                error: JobError(error),
                uploadID: uploadID,
                checkpoint: nil,
                callback: CallbackResult(status: e.httpStatus, body: e.details["body"] ?? e.message)
            )
        } catch {
            if wasNeverSent(error) { throw Pending(uploadID: uploadID, checkpoint: path) }
            throw Failure(error: JobError.from(error), uploadID: uploadID, checkpoint: path)
        }

        var serverCRC = result.crc64
        if serverCRC == nil {
            serverCRC = try await context.send(tally) { try await client.headObject(bucket: bucket, key: key) }?.crc64
        }
        if serverCRC == nil && context.settings.verify.requiresCRC64 {
            // Completed, but not provable by CRC-64 on this server: stop the batch with the fix.
            store.remove(path)
            let missing = OSSError.missingCRC64(operation: "CompleteMultipartUpload", requestID: result.requestID)
            context.observe(missing)
            throw Failure(error: JobError(missing), uploadID: uploadID, checkpoint: nil)
        }
        // In every mode, `none` too: a CRC-64 the server reports that contradicts the bytes sent is never taken,
        // as a PutObject's or an UploadPart's is not (`OSSClient.checkedCRC`). Taken under `none`, the job
        // succeeded and its index entry vouched for the wrong object every night after (review of b7bf3fd).
        if let serverCRC, serverCRC != expected {
            store.remove(path)
            throw Failure(
                error: JobError(
                    code: "IntegrityError",
                    message:
                        "object CRC-64 \(serverCRC) differs from the parts' combined CRC-64 \(expected); run resume to upload it again",
                    requestID: result.requestID
                ),
                uploadID: uploadID,
                checkpoint: nil
            )
        }
        store.remove(path)
        var outcome = JobOutcome(
            key: job.key,
            status: .succeeded,
            uploadID: uploadID,
            etag: result.etag,
            crc64: String(serverCRC ?? expected)
        )
        if job.options.callback != nil {
            outcome.callback = CallbackResult(status: 200, body: result.callbackBody ?? "")
        }
        return outcome
    }

    /// The object is there with the expected size and CRC-64: the upload was completed. Returns `nil` when
    /// HEAD does not prove it.
    private func settleByHead(_ checkpoint: Checkpoint, path: String, after reason: String) async throws -> JobOutcome?
    {
        guard let expected = checkpoint.objectCRC64,
            let head = try await context.settledByHead(
                job,
                crc64: expected,
                uploadID: checkpoint.uploadID,
                options: nil,
                reason: reason,
                tally: tally
            )
        else { return nil }
        store.remove(path)
        return JobOutcome(
            key: job.key,
            status: .succeeded,
            uploadID: checkpoint.uploadID,
            etag: head.etag,
            crc64: String(expected),
            warnings: ["\(reason); HEAD proved the object complete"]
        )
    }
}
