import Logging
import OSSKit
import OSSProtocol

extension BatchContext {
    /// The object under `job`'s key as HEAD shows it, when it has the job's size and `crc64`: the upload (or
    /// copy) `uploadID` whose Complete answer was lost, or that a killed run was completing, made it (or a
    /// PutObject whose answer was lost: no `uploadID`); logged as `settled_by_head`. Nil when HEAD does not
    /// prove that. With `options` (a write refused `FileAlreadyExists`, where the object may be another
    /// writer's), HEAD must also show them (`ObjectHead.shows`): the same bytes put with other metadata, content
    /// type or storage class are not this job's object, and settled they were indexed with tonight's options.
    func settledByHead(
        _ job: UploadJob,
        crc64: UInt64,
        uploadID: String?,
        options: ObjectOptions?,
        reason: String,
        tally: JobTally
    ) async throws -> ObjectHead? {
        let (client, bucket, key) = (client, bucket, job.key)
        let head = try await send(tally) { try await client.headObject(bucket: bucket, key: key) }
        tally.addAttempts(1)
        guard let head, head.size == job.size, head.crc64 == crc64 else { return nil }
        if let options, !head.shows(options) {
            logger.warning(
                "\(job.key): \(reason); HEAD shows this file's bytes with other object options (content type, metadata, storage class, encryption or tags): another writer's object, not settled",
                metadata: .event("not_settled_by_head", job: job, ["reason": .string(reason)])
            )
            return nil
        }
        logger.info(
            "\(job.key): \(reason), and HEAD shows the object complete (size \(head.size), CRC-64 \(crc64))",
            metadata: .event(
                "settled_by_head",
                job: job,
                ["crc64": .string(String(crc64)), "reason": .string(reason)].merging(
                    uploadID.map { ["upload_id": Logger.MetadataValue.string($0)] } ?? [:]
                ) { a, _ in a }
            )
        )
        return head
    }
}
