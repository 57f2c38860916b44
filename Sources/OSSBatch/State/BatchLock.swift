import Digests
import Foundation

/// The lock of one batch — a manifest uploading to a bucket — in the state directory, so that two runs of
/// one manifest cannot overlap (a slow night meeting the next cron start): the second exits with
/// `ExitStatus.busy` before anything is sent. `run` and `resume` hold it; `abort` does not (it may give up an
/// old report of a manifest whose next batch is running, and touches nothing that batch holds).
package enum BatchLock {
    /// `STATE/.locks/batch-HASH.lock`, HASH a digest of the manifest's path (links resolved), the bucket and
    /// the shard: the shards of one batch are batches of their own, which may run side by side on one machine.
    package static func path(manifest: String, bucket: String, shard: Shard? = nil, in state: StateDirectory) -> String
    {
        let identity = "\(canonical(manifest))\n\(bucket)" + (shard.map { "\n" + $0.nameTag } ?? "")
        let name = SHA256.hash(Array(identity.utf8)).hexString.prefix(32)
        return state.locks + "/batch-\(name).lock"
    }

    /// The manifest's path with its symbolic links resolved: reached through a linked directory
    /// (`/etc/ossbatch` → `/srv/config/ossbatch`) or a link to the file, it is the same batch (as typed, a
    /// second cron line through the link ran beside the first and sent the batch twice). As given when it
    /// cannot be resolved (a manifest removed since its report was made, for `resume`).
    static func canonical(_ manifest: String) -> String {
        URL(fileURLWithPath: manifest).resolvingSymlinksInPath().path
    }

    /// Takes the lock of the batch (or shard `shard` of the batch) of `manifest` to `bucket` for this process.
    package static func acquire(
        manifest: String,
        bucket: String,
        shard: Shard? = nil,
        report: String,
        command: String,
        in state: StateDirectory
    ) throws(LockError) -> StateLock {
        do { try StateDirectory.prepare(state.locks) } catch { throw .unusable(error) }
        return try StateLock.acquire(
            path(manifest: manifest, bucket: bucket, shard: shard, in: state),
            holder: .current(command: command, report: report, manifest: manifest),
            what: (shard.map { "\($0.nameTag) of " } ?? "") + "the batch of \(manifest) to bucket \(bucket)"
        )
    }
}
