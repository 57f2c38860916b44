extension BatchContext {
    /// Before a request that may store an object under `job`'s key (a PutObject, a CopyObject, a Complete):
    /// the key's index entry, if it has one, is buried. The entry is this job's to replace at the next flush
    /// (about a second after its outcome), but a kill -9 before that flush left it standing over the object
    /// this request stored, and when another batch had written it (two manifests sharing a key), that batch's
    /// next night skipped its file as unchanged over this batch's bytes, exit 0, until this batch was resumed.
    ///
    /// Spared: an entry of another version of this very file (the night it changed), which can never match
    /// the file again, so never vouches for this upload; the flush replaces it.
    ///
    /// An entry that cannot be buried (another process holding the index's write lock past SQLite's 5 s, a
    /// full disk) fails the job before its request, `IndexUnwritable`: uploaded, the object would sit under an
    /// entry that vouches for other bytes. `resume` tries again.
    func buryIndexEntry(before job: UploadJob) throws(JobError) {
        guard let index else { return }
        let (source, identity) = (job.source, job.identity)
        let otherVersionOfThisFile = { (entry: IndexEntry) in entry.source == source && entry.identity != identity }
        do { try index.buryAhead(key: job.key, report: report, keeping: otherVersionOfThisFile) } catch {
            throw JobError(
                code: "IndexUnwritable",
                message: "cannot take \(job.key) out of the upload index \(index.path) before replacing its object "
                    + "(\(error)): not uploaded, or the batch that indexed it could skip its file over these bytes; "
                    + "resume once the index can be written"
            )
        }
    }
}
