import Logging
import OSSKit

extension BatchContext {
    /// The object under `job`'s key as HEAD shows it, when it has the job's size and `crc64`: the upload (or
    /// copy) `uploadID` whose Complete answer was lost, or that a killed run was completing, made it (or a
    /// PutObject whose answer was lost: no `uploadID`); logged as `settled_by_head`. Nil when HEAD does not
    /// prove that.
    func settledByHead(
        _ job: UploadJob,
        crc64: UInt64,
        uploadID: String?,
        reason: String,
        tally: JobTally
    ) async throws -> ObjectHead? {
        let (client, bucket, key) = (client, bucket, job.key)
        let head = try await send(tally) { try await client.headObject(bucket: bucket, key: key) }
        tally.addAttempts(1)
        guard let head, head.size == job.size, head.crc64 == crc64 else { return nil }
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
