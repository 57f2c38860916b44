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
    /// Stopped early by an error that fails every request (bad credentials, missing bucket, access denied).
    case fatal
}

/// One invocation of `run` or `resume` on this report.
package struct RunRecord: Sendable, Codable, Hashable {
    package var command: String
    package var startedAt: String
    package var finishedAt: String?
    package var status: RunStatus
    package var exitCode: Int32?

    package init(command: String, startedAt: String, finishedAt: String?, status: RunStatus, exitCode: Int32?) {
        self.command = command
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.status = status
        self.exitCode = exitCode
    }

    private enum CodingKeys: String, CodingKey {
        case command
        case startedAt = "started_at"
        case finishedAt = "finished_at"
        case status
        case exitCode = "exit_code"
    }
}
