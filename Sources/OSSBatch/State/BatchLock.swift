import Digests

/// The lock of one batch — a manifest uploading to a bucket — in the state directory, so that two runs of
/// one manifest cannot overlap (a slow night meeting the next cron start): the second exits with
/// `ExitStatus.busy` before anything is sent. `run` and `resume` hold it; `abort` does not (it may give up an
/// old report of a manifest whose next batch is running, and touches nothing that batch holds).
package enum BatchLock {
    /// `STATE/.locks/batch-HASH.lock`, HASH a digest of the manifest's path and the bucket.
    package static func path(manifest: String, bucket: String, in state: StateDirectory) -> String {
        let name = SHA256.hash(Array("\(manifest)\n\(bucket)".utf8)).hexString.prefix(32)
        return state.locks + "/batch-\(name).lock"
    }

    /// Takes the lock of the batch of `manifest` to `bucket` for this process.
    package static func acquire(
        manifest: String,
        bucket: String,
        report: String,
        command: String,
        in state: StateDirectory
    ) throws(LockError) -> StateLock {
        do { try StateDirectory.prepare(state.locks) } catch { throw .unusable(error) }
        return try StateLock.acquire(
            path(manifest: manifest, bucket: bucket, in: state),
            holder: .current(command: command, report: report, manifest: manifest),
            what: "the batch of \(manifest) to bucket \(bucket)"
        )
    }
}
