/// Why `ossbatch uploads --abort` leaves an open multipart upload alone: a local batch may still need it.
package struct UploadHold: Sendable, Hashable, Encodable {
    package enum Reason: String, Sendable, Hashable, Encodable {
        /// A checkpoint of a batch that a process is working on now names it.
        case liveBatch = "live_batch"
        /// A checkpoint of an unfinished batch (interrupted, killed, failed with uploads open) names it:
        /// `ossbatch resume` continues it, `ossbatch abort` gives it up.
        case resumableBatch = "resumable_batch"
        /// A checkpoint names it whose batch is unknown (written before checkpoints named their report).
        case unownedCheckpoint = "unowned_checkpoint"
        /// Another process holds the lock of its key: an upload of that key is going on now.
        case keyInUse = "key_in_use"
    }

    package var reason: Reason
    /// The report of the batch that holds it, when known.
    package var report: String?
    /// The checkpoint that names it, when one does.
    package var checkpoint: String?
    /// The process working on it now (`liveBatch`, `keyInUse`).
    package var holder: LockHolder?

    package init(reason: Reason, report: String? = nil, checkpoint: String? = nil, holder: LockHolder? = nil) {
        self.reason = reason
        self.report = report
        self.checkpoint = checkpoint
        self.holder = holder
    }

    private enum CodingKeys: String, CodingKey { case reason, report, checkpoint, holder }

    /// `held by the running batch of REPORT (pid 12 on host …)`, for the listing.
    package var explanation: String {
        switch reason {
        case .liveBatch:
            return "held by a running batch" + (report.map { " (report \($0))" } ?? "")
                + (holder.map { ": \($0)" } ?? "")
        case .resumableBatch:
            let report = report.map(ShellWord.quoted) ?? "REPORT"
            return "held by an unfinished batch: 'ossbatch resume \(report)' or 'ossbatch abort \(report)'"
        case .unownedCheckpoint:
            return "named by the checkpoint \(checkpoint ?? "?"), whose batch is unknown: resume or abort its report"
        case .keyInUse:
            return "its key is being uploaded now" + (holder.map { " by \($0)" } ?? "")
        }
    }
}
