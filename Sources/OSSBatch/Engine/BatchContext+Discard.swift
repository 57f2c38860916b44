import OSSKit

extension BatchContext {
    /// Gives up a multipart upload that will not be completed: aborts it (so OSS stops keeping, and
    /// billing, its parts) and deletes its checkpoint. An upload already gone is fine; another failure is
    /// logged.
    func discardUpload(key: String, checkpoint path: String, uploadID: String?, tally: JobTally) async {
        if let uploadID {
            let (client, bucket) = (client, bucket)
            do {
                try await send(tally) {
                    try await client.abortMultipartUpload(bucket: bucket, key: key, uploadID: uploadID)
                }
            } catch let error as OSSError where error.code == .noSuchUpload {
            } catch {
                logger.warning(
                    "\(key): could not abort the discarded upload \(uploadID): \(error)",
                    metadata: .event(
                        "abort_failed",
                        JobError.from(error).logFields(uploadID: uploadID).merging(["key": .string(key)]) { a, _ in a }
                    )
                )
            }
        }
        checkpoints.remove(path)
    }
}
