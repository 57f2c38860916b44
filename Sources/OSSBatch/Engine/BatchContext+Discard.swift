import OSSKit

extension BatchContext {
    /// Gives up a multipart upload that will not be completed: aborts it (so OSS stops keeping, and
    /// billing, its parts) and deletes its checkpoint. An upload already gone is fine; another failure is
    /// logged. An abort the batch's stop cancelled before it was sent keeps the checkpoint: deleted, the upload
    /// stayed open with nothing left to find it by (review of 1e1b6d5: a halt now cancels what is in flight).
    func discardUpload(key: String, checkpoint path: String, uploadID: String?, tally: JobTally) async {
        if let uploadID {
            let (client, bucket) = (client, bucket)
            do {
                try await send(tally) {
                    try await client.abortMultipartUpload(bucket: bucket, key: key, uploadID: uploadID)
                }
            } catch let error as OSSError where error.code == .noSuchUpload {
            } catch  where isCancellation(error) {
                logger.info("\(key): the abort of upload \(uploadID) was cancelled by the stop; its checkpoint stays")
                return
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
