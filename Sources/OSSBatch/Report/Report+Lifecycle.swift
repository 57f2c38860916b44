import Foundation
import LocalFiles

extension Report {
    /// Why this batch is not finished — it must be resumed or aborted, and its report not replaced — or `nil`
    /// when it is finished (succeeded, failed or stopped early with no upload open, aborted).
    package var unfinishedReason: String? {
        Report.unfinishedReason(status: status, openUploads: jobs.count { $0.holdsOpenUpload })
    }

    /// Why a batch with `status` and `openUploads` multipart uploads open is unfinished, if it is.
    static func unfinishedReason(status: RunStatus, openUploads open: Int) -> String? {
        switch status {
        case .running: return "its report says it is running (it is, or it was killed)"
        case .interrupted: return "it was interrupted"
        case .succeeded, .failed, .fatal, .aborted:
            guard open > 0 else { return nil }
            return "\(open) multipart upload\(open == 1 ? " is" : "s are") open (billed until resumed or aborted)"
        }
    }

    /// The last run when it never ended — the report says `running`, or its last run has no end: unless a
    /// process holds the report's lock (`BatchLiveness`), it was killed.
    package static func unendedRun(status: RunStatus, runs: [RunRecord]) -> RunRecord? {
        guard let last = runs.last else { return nil }
        // A run refused after the kill (its entry ended) is not the one that never ended.
        if status == .running { return runs.last { $0.finishedAt == nil } ?? last }
        return last.finishedAt == nil ? last : nil
    }

    /// The run record this process starts for `command`.
    package static func startingRun(_ command: String, at time: String = Timestamp.iso8601()) -> RunRecord {
        RunRecord(
            command: command,
            startedAt: time,
            finishedAt: nil,
            status: .running,
            exitCode: nil,
            pid: getpid(),
            host: ProcessTable.hostName
        )
    }

    /// Records a run of `command` that ended before doing anything (no credentials, busy, refused): the
    /// report's status stays as it was, unless this is a new report (then it is `status`: `fatal` with `error`,
    /// or `interrupted` by a signal).
    package mutating func recordRefusedRun(
        _ command: String,
        exitStatus: ExitStatus,
        error: JobError,
        status newStatus: RunStatus = .fatal
    ) {
        let now = Timestamp.iso8601()
        if runs.isEmpty {
            status = newStatus
            fatalError = newStatus == .fatal ? error : nil
        }
        var run = Report.startingRun(command, at: now)
        run.finishedAt = now
        // The report's status, which the refusal leaves as it was — but not `running` (a killed report): this
        // run ended, and an entry `running` made it the run that never ended (audit of 7f6ac3f).
        run.status = status == .running ? newStatus : status
        run.exitCode = exitStatus.rawValue
        run.error = error
        runs.append(run)
        updatedAt = now
    }
}

extension Report {
    /// Records `ossbatch abort`: the report's status becomes `aborted`, each checkpoint the abort settled
    /// leaves its job's outcome, and the run is added to `runs`.
    package mutating func recordAbort(_ result: UploadAborter.Result, run started: RunRecord) {
        for index in result.released where jobs.indices.contains(index) {
            jobs[index].outcome.checkpoint = nil
            // A pending line's upload id alone says the upload is open (`holdsOpenUpload`): it is not any more.
            if jobs[index].outcome.status == .pending { jobs[index].outcome.uploadID = nil }
        }
        guard result.stoppedBy == nil, result.unreachable == nil else {
            return recordStoppedAbort(result, run: started)
        }
        status = .aborted
        fatalError = nil
        recomputeTotals()
        let now = Timestamp.iso8601()
        var run = started
        run.finishedAt = now
        run.status = .aborted
        run.exitCode = result.exitStatus.rawValue
        if let busy = result.inUse.first {
            run.error = JobError(code: "Busy", message: "\(result.inUse.count) key(s) left alone: \(busy)")
        } else if result.failed > 0 || result.failedListings > 0 {
            let listings = result.failedListings > 0 ? "; \(result.failedListings) key(s) could not be listed" : ""
            run.error = JobError(
                code: "AbortFailed",
                message: "\(result.failed) upload(s) could not be aborted\(listings)"
            )
        }
        runs.append(run)
        updatedAt = now
    }

    /// An `abort` stopped by a signal (or an endpoint it cannot reach) before it saw every job: what it released
    /// is recorded, with its `runs` entry (`interrupted` and the signal's exit code, or `fatal` and 3); the
    /// report is not `aborted` — uploads may still be open — and the same `abort` finishes the work.
    private mutating func recordStoppedAbort(_ result: UploadAborter.Result, run started: RunRecord) {
        recomputeTotals()
        // A report a killed run left `running` would read as killed again, by this abort's pid.
        if status == .running { status = .interrupted }
        let now = Timestamp.iso8601()
        var run = started
        run.finishedAt = now
        run.exitCode = result.exitStatus.rawValue
        if let unreachable = result.unreachable {
            run.status = .fatal
            run.error = unreachable
        } else {
            run.status = .interrupted
            run.error = JobError(
                code: "Interrupted",
                message: "\(result.stoppedBy?.rawValue ?? "a signal") after \(result.aborted) upload(s) aborted; "
                    + "run abort again to finish"
            )
        }
        runs.append(run)
        updatedAt = now
    }
}
