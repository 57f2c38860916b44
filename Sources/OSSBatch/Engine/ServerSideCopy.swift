import Digests
import OSSKit
import OSSProtocol

/// `upload.unchanged: copy`: the job's object made on the server from another key that holds the very same
/// file version (the upload index says so; last night's dated prefix), with this run's options — CopyObject up
/// to 1 GiB, UploadPartCopy over the job's part plan above — and proved by the CRC-64 the server reports,
/// which must be the one the file had when it was uploaded. No body byte is sent.
struct ServerSideCopy {
    /// OSS copies objects up to 1 GiB with CopyObject; larger ones need UploadPartCopy.
    static let copyObjectLimit: Int64 = 1 << 30

    let context: BatchContext
    let job: UploadJob
    let source: IndexEntry
    let tally: JobTally

    /// The source entry for `job` if the index has one: the same file version under another key.
    static func source(for job: UploadJob, ctime: Int64, in index: UploadIndex) -> IndexEntry? {
        let entries = (try? index.entries(inode: job.identity.inode, device: job.identity.device)) ?? []
        return entries.filter { $0.key != job.key && $0.sameVersion(as: job, ctime: ctime) }
            .max { $0.uploadedAt < $1.uploadedAt }
    }

    /// The outcome of the copy, or nil when it cannot stand in for an upload: the source is gone (404) or
    /// holds other bytes than the index says. Then its entry is dropped and the job uploads.
    func run() async throws -> JobOutcome? {
        var options = job.options
        if context.settings.ifExists == .fail { options.forbidOverwrite = true }
        do {
            let (etag, crc) =
                job.size <= Self.copyObjectLimit ? try await copyObject(options) : try await copyParts(options)
            guard crc == source.crc64 else {
                context.logger.warning(
                    "\(job.key): the copy of \(source.key) has CRC-64 \(crc), not the \(source.crc64) the index expects; uploading instead",
                    metadata: .event("copy_mismatch", job: job, ["copied_from": .string(source.key)])
                )
                try? context.index?.remove(key: source.key)
                return nil
            }
            return JobOutcome(key: job.key, status: .succeeded, etag: etag, crc64: String(crc), copiedFrom: source.key)
        } catch let error as OSSError where error.code == .noSuchKey {
            context.logger.info(
                "\(job.key): \(source.key) is gone from the bucket; uploading instead of copying",
                metadata: .event("copy_source_missing", job: job, ["copied_from": .string(source.key)])
            )
            try? context.index?.remove(key: source.key)
            return nil
        }
    }

    private func copyObject(_ options: ObjectOptions) async throws -> (String, UInt64) {
        let (client, bucket, key, from) = (context.client, context.bucket, job.key, source.key)
        let requireCRC = context.settings.verify.requiresCRC64
        let result = try await context.send(tally) {
            try await client.copyObject(
                bucket: bucket,
                key: key,
                sourceBucket: bucket,
                sourceKey: from,
                options: options,
                requireCRC64: requireCRC
            )
        }
        tally.addAttempts(result.attempts)
        return (result.etag, result.crc64 ?? source.crc64)
    }

    /// Initiate, one UploadPartCopy per part of the job's plan (or of the batch's part size), Complete. The
    /// parts' CRC-64s combine to the object's. An upload left by a failure is aborted.
    private func copyParts(_ options: ObjectOptions) async throws -> (String, UInt64) {
        let (client, bucket, key, from) = (context.client, context.bucket, job.key, source.key)
        let requireCRC = context.settings.verify.requiresCRC64
        let partSize: Int64
        if case .multipart(let plan) = job.method { partSize = plan.partSize } else { partSize = job.size }
        let initiation = try await context.send(tally) {
            try await client.initiateMultipartUpload(bucket: bucket, key: key, options: options)
        }
        tally.addAttempts(initiation.attempts)
        let uploadID = initiation.uploadID
        do {
            var parts: [CompletedPart] = []
            var combined = CRC64()
            var confirmed = true
            var first: Int64 = 0
            while first < job.size {
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
                        range: range,
                        requireCRC64: requireCRC
                    )
                }
                tally.addAttempts(part.attempts)
                combined.append(crc: part.crc64, length: UInt64(last - first + 1))
                confirmed = confirmed && part.crc64Confirmed
                parts.append(CompletedPart(partNumber: number, etag: part.etag))
                first = last + 1
            }
            let completed = try await context.send(tally) {
                try await client.completeMultipartUpload(
                    bucket: bucket,
                    key: key,
                    uploadID: uploadID,
                    parts: parts,
                    callback: nil
                )
            }
            tally.addAttempts(completed.attempts)
            return (completed.etag, completed.crc64 ?? (confirmed ? combined.value : source.crc64))
        } catch {
            _ = try? await client.abortMultipartUpload(bucket: bucket, key: key, uploadID: uploadID)
            throw error
        }
    }
}
