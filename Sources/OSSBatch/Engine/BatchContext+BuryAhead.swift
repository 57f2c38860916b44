extension BatchContext {
    /// Before a request that may store an object under `job`'s key (a PutObject, a CopyObject, a Complete):
    /// the key's index entry, if it has one, is buried. The entry is this job's to replace at the next flush
    /// (about a second after its outcome), but a kill -9 before that flush left it standing over the object
    /// this request stored, and when another batch had written it (two manifests sharing a key), that batch's
    /// next night skipped its file as unchanged over this batch's bytes, exit 0, until this batch was resumed.
    /// A failed bury is left to the flush, which writes the key too and warns when the index cannot be written.
    func buryIndexEntry(before job: UploadJob) {
        _ = try? index?.buryAhead(key: job.key, report: report)
    }
}
