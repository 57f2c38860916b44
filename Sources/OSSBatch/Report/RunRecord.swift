/// How a run (or the latest resume) ended, as the report's top-level `status` says.
package enum RunStatus: String, Sendable, Codable, Hashable {
    /// The run is in progress, or was killed before it could say otherwise (`resume` finishes it).
    case running
    /// Every job succeeded or was skipped.
    case succeeded
    /// The run finished; some jobs failed.
    case failed
    /// Stopped by SIGINT/SIGTERM; the unfinished jobs are `pending`.
    case interrupted
    /// Stopped early by an error that fails every request (bad credentials, missing bucket, access denied),
    /// or refused to start (no credentials, another process holds the batch).
    case fatal
    /// Given up by `ossbatch abort`: its multipart uploads aborted. `resume` refuses it without `--force`.
    case aborted
}

/// One invocation of `run`, `resume` or `abort` on this report — also one that was refused (no
/// credentials, another process busy with the batch, an aborted report resumed without `--force`).
package struct RunRecord: Sendable, Codable, Hashable {
    package var command: String
    package var startedAt: String
    /// Absent while the run goes on, and after it was killed.
    package var finishedAt: String?
    /// The report's status when the run ended.
    package var status: RunStatus
    package var exitCode: Int32?
    /// The process that ran it, so that a reader can tell a running batch from a crashed one
    /// (`BatchLiveness`).
    package var pid: Int32?
    package var host: String?
    /// Why the run ended early or was refused, when it was.
    package var error: JobError?
    /// In a merged report only (`report merge`): the shard whose run it was. A shard's own report and an
    /// unsharded one leave it out.
    package var shard: Shard?

    package init(
        command: String,
        startedAt: String,
        finishedAt: String?,
        status: RunStatus,
        exitCode: Int32?,
        pid: Int32? = nil,
        host: String? = nil,
        error: JobError? = nil
    ) {
        self.command = command
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.status = status
        self.exitCode = exitCode
        self.pid = pid
        self.host = host
        self.error = error
    }

    private enum CodingKeys: String, CodingKey {
        case command
        case startedAt = "started_at"
        case finishedAt = "finished_at"
        case status
        case exitCode = "exit_code"
        case pid, host, error, shard
    }
}

extension RunRecord {
    /// Refused because another process held the report or the batch (exit 4, `Busy`): it ran nothing. Not a
    /// run stopped on a key held to the end — `KeyBusy` now, `Busy` naming "the key '…'" from an ossbatch
    /// before 2026-12-05 — nor an `abort` that left keys alone: those did work (review of b1c5f6b: a night of
    /// the older binary stopped on a key passed for a refusal, and status hid it).
    package var wasRefusedAsBusy: Bool {
        guard exitCode == ExitStatus.busy.rawValue, let error, error.code == "Busy" else { return false }
        return error.message.hasPrefix("the report ") || error.message.contains("the batch of ")
    }
}
