import Foundation

/// What `ossbatch status` says about one report: how its batch stands now, its totals, and what to do next.
/// Read without taking a lock and without sending a request.
package struct BatchStatus: Sendable, Encodable {
    /// A batch's standing: its report's `status`, with `running` split by the report's lock
    /// (`BatchLiveness`) into a live process and one that was killed.
    package enum State: String, Sendable, Encodable {
        case running, crashed, interrupted, failed, fatal, succeeded, aborted
        /// Not every file is known to be uploaded, though no run of it is unfinished: a batch run as shards
        /// with a shard missing or shards of different plans, or a merged report of shards not all done.
        case incomplete
        /// The report cannot be read (`problem` says why).
        case unreadable
    }

    /// The batch's name: its directory in the state directory, or the report's file name for a report given
    /// by path.
    package var batch: String
    /// The report (absolute path).
    package var report: String
    package var state: State
    /// When the last run (`run`, `resume` or `abort`) started, or the report was made (UTC).
    package var lastRunAt: String?
    package var lastRun: RunRecord?
    /// The process working on the batch now (`running`).
    package var holder: LockHolder?
    package var totals: ReportTotals?
    /// Why the batch is unfinished, or why its report cannot be read.
    package var problem: String?
    /// The command to run next, `nil` when there is nothing to do (or nothing ossbatch can do).
    package var next: String?
    /// The batch's other reports that are unfinished (resumable, their uploads billed) or running.
    package var otherUnfinished: [BatchStatus]?
    /// A batch run as shards (`run --shard K/N`): N, and each shard's own status, by K (`ShardedBatchStatus`).
    package var shardCount: Int?
    package var shards: [BatchStatus]?
    /// `status --shards-here`: how many of the batch's shards have no report here (they run on other
    /// machines, and are not judged here).
    package var shardsElsewhere: Int?
    /// The batch's reports last written in the future by this machine's clock (its clock was ahead then, or is
    /// behind now): which report is the newest is then not known for sure.
    package var futureReports: [String]?

    /// A shard's report: which shard, and the partition its plan was cut from (`ShardedBatchStatus` tells
    /// shards of different plans apart by it). Not printed: `shards[]` entries are named `NAME.shard-K-of-N`.
    package var shardInfo: ShardInfo?

    /// Every run on the report was refused because another process held the batch (exit 4): it never ran,
    /// and does not stand for its batch while another report does.
    package var onlyRefusedAsBusy = false
    /// The report says `succeeded` and `problem` is why it still needs a look (`succeededWithExceptions`):
    /// the batch is finished, so an older such report is not one of its unfinished ones.
    package var finishedWithExceptions = false
    /// When the report was made (its night), for which report is the batch's newest (`batchStatuses`).
    package var createdAt: String?
    /// How the placeholders in the report's keys were resolved: whether a later night planned the same keys
    /// (`SnapshotLeftIncomplete`). Not printed.
    package var keyResolution: KeyResolution?
    /// A report written by `report merge`: no process resumes it (its shards are resumed, then merged again).
    package var isMerge = false
    /// Listed among `otherUnfinished` because its night's dated snapshot stays incomplete
    /// (`SnapshotLeftIncomplete`). Not printed (its `problem` says so).
    package var snapshotLeftIncomplete = false

    /// Whether `next` is `ossbatch resume REPORT`: what `resume --batch` resumes.
    package var asksForResume: Bool {
        guard next != nil else { return false }
        switch state {
        case .crashed, .interrupted, .failed, .fatal: return true
        case .running, .succeeded, .aborted, .unreadable, .incomplete: return false
        }
    }

    package init(batch: String, report: String, state: State) {
        self.batch = batch
        self.report = report
        self.state = state
    }

    private enum CodingKeys: String, CodingKey {
        case batch, report
        case state = "status"
        case lastRunAt = "last_run_at"
        case lastRun = "last_run"
        case holder, totals, problem, next
        case otherUnfinished = "other_unfinished"
        case shardCount = "shard_count"
        case shards
        case shardsElsewhere = "shards_elsewhere"
        case futureReports = "future_reports"
    }

    /// Whether a monitor should be told: the batch neither succeeded nor runs now, another report of it is
    /// unfinished, or one was written in the future. (`ossbatch status` exits 1 when one does.)
    package var needsAttention: Bool {
        if !(otherUnfinished ?? []).isEmpty || !(futureReports ?? []).isEmpty { return true }
        if let shards,
            shards.contains(where: \.needsAttention) || shards.count + (shardsElsewhere ?? 0) != shardCount
        {
            return true
        }
        return state != .succeeded && state != .running || state == .succeeded && problem != nil
    }

    /// The status of the report at `path` (absolute), named `batch`: when `nil`, named as logs and metrics name
    /// its batch (its manifest's file name without the extension), or for its own file when it cannot be read.
    package static func of(report path: String, batch: String?) -> BatchStatus {
        var status = BatchStatus(
            batch: batch ?? Report.batchName(manifestPath: (path as NSString).lastPathComponent),
            report: path,
            state: .unreadable
        )
        let overview: ReportOverview
        do { overview = try ReportOverview.read(path) } catch {
            status.problem = error.reason
            return status
        }
        if batch == nil { status.batch = Report.batchName(manifestPath: overview.manifest) }
        status.lastRun = overview.runs.last
        status.createdAt = overview.createdAt
        status.keyResolution = overview.keyResolution
        status.shardInfo = overview.shard
        status.onlyRefusedAsBusy = overview.onlyRefusedAsBusy
        status.lastRunAt = overview.runs.last?.startedAt ?? overview.createdAt
        status.totals = overview.totals
        status.problem = overview.unfinishedReason
        if let merged = MergedReportRuns(overview.runs) { return ofMerge(status, overview, merged) }
        switch BatchLiveness.of(status: overview.status, runs: overview.runs, reportAt: path) {
        case .running(let holder):
            status.state = .running
            status.holder = holder
            status.problem = nil
        case .crashed(let killed):
            status.state = .crashed
            status.problem = "its last run never ended: the process was killed (kill -9, a reboot)"
            // The run that never ended, not a refusal recorded after it (whose pid status would name).
            if let killed { status.lastRun = killed }
        case .ended(let ended):
            status.state = State(ended)
        }
        // The first line's totals are those of the run's start while it runs (or after it was killed); the
        // journal has what happened since.
        if status.state == .running || status.state == .crashed, let report = try? ReportStore.load(path) {
            status.totals = report.totals
            if status.state == .crashed { status.totals?.openUploads = openUploads(of: report, at: path) }
        }
        status.next = nextCommand(status.state, unfinished: status.problem != nil, report: path)
        if status.state == .aborted, let run = overview.runs.last, run.command == "abort", let error = run.error {
            // Given up, but not all of it: keys another process held were left alone, or aborts failed. Said
            // only on that abort's stderr, which nobody reads under cron (audit of 5125a01: status said
            // `aborted`, no problem, no next).
            status.problem = "its abort left uploads open (\(error.message)); run the abort again"
            status.next = "ossbatch abort \(ShellWord.quoted(path))"
        }
        if status.onlyRefusedAsBusy, status.state == .fatal {
            // Refused because another process ran the batch (a night that overran): resuming it would upload
            // again what that process uploads, under its own report (audit of 7f6ac3f: status said to resume).
            let why = overview.runs.last?.error?.message ?? "another process held the batch"
            status.problem = "this report never ran: it was refused because \(why)"
            status.next = nil
        }
        if status.state == .succeeded, status.problem == nil,
            let exceptions = succeededWithExceptions(status.totals ?? overview.totals, lastRun: overview.runs.last)
        {
            status.problem = exceptions
            status.finishedWithExceptions = true
        }
        return status
    }

    /// The multipart uploads a crashed batch left open: its job lines that hold one, and the checkpoints that
    /// name its report for jobs not done — a killed run journals a job only at its end, so an upload it had
    /// begun is in a checkpoint and in no job line (status said `open_uploads: 0` of a batch whose uploads
    /// were open and billed).
    static func openUploads(of report: Report, at path: String) -> Int {
        let reportPath = PathResolver.absolute(path, relativeTo: FileManager.default.currentDirectoryPath)
        var keys: Set<SplitPath> = []
        var done: Set<SplitPath> = []
        for job in report.jobs {
            if job.holdsOpenUpload { keys.insert(job.spec.objectKey) }
            if job.status == .succeeded || job.status == .skipped { done.insert(job.spec.objectKey) }
        }
        for (_, checkpoint) in CheckpointStore(directory: report.upload.checkpointDir).all()
        where checkpoint.report == reportPath && checkpoint.bucket == report.target.bucket
            && !done.contains(SplitPath(checkpoint.key))
        {
            keys.insert(SplitPath(checkpoint.key))
        }
        return keys.count
    }

    /// The status of a report written by `report merge`, its shards' runs read shard by shard. No process
    /// runs a merged report (its shards' processes do, on their own reports), so it is never `running` or
    /// `crashed`, and there is no one command to run next: the shards are resumed, then merged again.
    private static func ofMerge(
        _ status: BatchStatus,
        _ overview: ReportOverview,
        _ runs: MergedReportRuns
    ) -> BatchStatus {
        var status = status
        status.isMerge = true
        status.state = runs.unended.isEmpty && overview.status != .running ? State(overview.status) : .incomplete
        status.problem = runs.unfinishedReason ?? status.problem
        status.next = nil
        guard status.state == .succeeded, status.problem == nil else { return status }
        if let exceptions = succeededWithExceptions(overview.totals, lastRun: nil) {
            status.problem = exceptions
        } else if let exitedOne = runs.exitedOneReason {
            status.problem = exitedOne
        }
        status.finishedWithExceptions = status.problem != nil
        return status
    }

    /// Why a report whose status says `succeeded` still needs a look, if it does: its last `run` or `resume`
    /// exited 1 (files skipped as unreadable or unlistable: the run's exit 1 every night, which a monitor on
    /// `status` must not hide), or its totals count failed or pending jobs (a header edited by hand).
    static func succeededWithExceptions(_ totals: ReportTotals, lastRun: RunRecord?) -> String? {
        if totals.failed > 0 || totals.pending > 0 {
            return "its status says succeeded, but \(totals.failed) job(s) failed and \(totals.pending) are pending"
        }
        // Exit 1 with every job done: sources skipped as unreadable or unlistable (other codes come with
        // another status, or from commands that upload nothing: a refused or stopped `abort`).
        if let run = lastRun, run.command == "run" || run.command == "resume", run.exitCode == 1 {
            return "its last \(run.command) exited 1: the report's skipped jobs say which sources could not be "
                + "read or listed"
        }
        // Exit 3 with every job done: stdout could not take the summary (a full disk, a reader gone).
        if let run = lastRun, run.command == "run" || run.command == "resume", run.exitCode == 3 {
            return "its last \(run.command) exited 3 with every job done: its output could not be written to stdout "
                + "(whatever keeps its output, a log file or a pipe, is full or gone)"
        }
        return nil
    }

    /// `ossbatch resume PATH` for a batch that can be finished, `nil` otherwise.
    static func nextCommand(_ state: State, unfinished: Bool, report: String) -> String? {
        switch state {
        case .crashed, .interrupted, .failed, .fatal: return "ossbatch resume \(ShellWord.quoted(report))"
        case .succeeded: return unfinished ? "ossbatch abort \(ShellWord.quoted(report))" : nil
        case .running, .aborted, .unreadable, .incomplete: return nil
        }
    }
}

extension BatchStatus.State {
    init(_ status: RunStatus) {
        switch status {
        case .running: self = .crashed  // not reached: `BatchLiveness` tells running apart first
        case .succeeded: self = .succeeded
        case .failed: self = .failed
        case .interrupted: self = .interrupted
        case .fatal: self = .fatal
        case .aborted: self = .aborted
        }
    }
}
