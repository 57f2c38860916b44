import Foundation
import OSSBatch
import Synchronization

/// Writes `--metrics-file` for one `run` or `resume`: every progress interval while the batch runs, and once
/// at its end, however it ends (an invalid manifest, missing credentials and a signal included). The previous
/// file is read first, for the last success time a failed run must keep. A file that cannot be written is a
/// warning: the exit code stays the batch's.
final class MetricsReporter: Sendable {
    private let file: MetricsFile
    private let batch: String
    /// The `shard` label (`Shard.nameTag`) of a shard's run.
    private let shard: String?
    private let console: Console
    private let startedAt = Date()
    private let started = ContinuousClock.now
    private let previousSuccess: Date?
    /// The previous file's last success when it is ahead of this machine's clock: judged again at the end,
    /// by OSS's clock if the run learnt that this one is off (a clock days slow made a right value look
    /// like one from the future, and a failed run then dropped it).
    private let previousAhead: MetricsFileProblem?
    private let state = Mutex(State())

    private struct State {
        var finished = false
        var warned = false
        /// Where the batch's reports are and the run's own, for the count of its incomplete snapshots at the end.
        var reports: (directory: StateDirectory, batch: String, own: String)?
        var task: Task<Void, Never>?
    }

    /// `nil` without `--metrics-file`.
    init?(options: MetricsOptions, batch: String, shard: Shard?, console: Console) {
        guard let path = options.metricsFile else { return nil }
        file = MetricsFile(path: PathResolver.absolute(path, relativeTo: FileManager.default.currentDirectoryPath))
        self.batch = batch
        self.shard = shard?.nameTag
        self.console = console
        switch file.previousLastSuccess() {
        case .success(let time):
            (previousSuccess, previousAhead) = (time, nil)
        case .failure(let problem) where problem.ahead != nil:
            (previousSuccess, previousAhead) = (nil, problem)
        case .failure(let problem):
            (previousSuccess, previousAhead) = (nil, nil)
            Self.warnIgnored(problem, console: console)
        }
    }

    private static func warnIgnored(_ problem: MetricsFileProblem, console: Console) {
        console.warning(
            "metrics_file_ignored",
            "ignoring the previous metrics file \(problem); the last success time starts again from this run",
            ["path": .string(problem.path), "reason": .string(problem.reason)]
        )
    }

    /// At the end, counts the reports of batch `batch` in `directory` but `report` (the run's own) whose dated
    /// snapshot stays incomplete (`ossbatch_incomplete_snapshots`).
    func countIncompleteSnapshots(ofBatch batch: String, in directory: StateDirectory, besides report: String) {
        state.withLock { $0.reports = (directory, batch, report) }
    }

    /// Rewrites the file every `interval` until `finish`, from `report` (the batch before this run) and the
    /// run's progress so far: jobs this run has not finished yet count as pending.
    func start(report: Report, progress: BatchProgress, interval: Duration) {
        var before = BatchMetrics(
            batch: batch,
            shard: shard,
            inProgress: true,
            startedAt: startedAt,
            endedAt: nil,
            durationSeconds: 0,
            exitCode: nil,
            lastSuccess: BatchMetrics.lastSuccess(
                previous: previousSuccess,
                report: report,
                thisRunSucceeded: false,
                now: Date()
            )
        )
        before.count(report)
        let total = (files: report.totals.jobs, bytes: report.totals.bytes)
        let task = Task {
            // Written at once, then every interval: a night killed before its first interval left the file
            // saying the night before's, `run_in_progress 0` (audit of 72b75db).
            var first = true
            while !Task.isCancelled {
                if !first {
                    try? await Task.sleep(for: interval)
                    if Task.isCancelled { break }
                }
                first = false
                var metrics = before
                let snapshot = progress.snapshot
                metrics.durationSeconds = (ContinuousClock.now - self.started).seconds
                metrics.bytesSent = snapshot.bytesSent
                metrics.retries = snapshot.retries
                for status in [JobStatus.succeeded, .skipped] {
                    let now = snapshot.thisRun[status] ?? (0, 0)
                    metrics.files[status] = (before.files[status] ?? 0) + now.files
                    metrics.bytes[status] = (before.bytes[status] ?? 0) + now.bytes
                }
                let failed = snapshot.thisRun[.failed] ?? (0, 0)
                metrics.files[.failed] = failed.files
                metrics.bytes[.failed] = failed.bytes
                let done = [JobStatus.succeeded, .skipped, .failed]
                metrics.files[.pending] = total.files - done.reduce(0) { $0 + (metrics.files[$1] ?? 0) }
                metrics.bytes[.pending] = total.bytes - done.reduce(0) { $0 + (metrics.bytes[$1] ?? 0) }
                self.write(metrics, final: false)
            }
        }
        state.withLock { $0.task = task }
    }

    /// Writes the file for the end of the run: `report` as the run left it (`nil` when there is none: an
    /// invalid manifest), its exit code, what it sent and retried. `clockOffset`: seconds OSS's clock is ahead
    /// of this machine's, when the run learnt it (OSS refused a request as signed more than 15 minutes off):
    /// the times written are then OSS's. A clock a year fast wrote a last success a year ahead, and Prometheus's
    /// `time() - ossbatch_last_success_timestamp_seconds` alert stayed silent for that year.
    ///
    /// `batchSucceeded` says whether the batch did, when the exit status says otherwise for another reason
    /// (output stdout could not take): the last success is then tonight's all the same.
    /// A run refused because another process is running the batch now (busy): the file is that run's (or the
    /// night before's) and stays as it is. Written over, it said `run_in_progress 0` (audit of 72b75db), then
    /// `run_in_progress 1` beside the refused run's own exit code 4, end time and start time, firing the
    /// failed-run alert and hiding the running night's start from the never-ended one (review of c56b4e6).
    func leaveForTheRunningBatch() {
        state.withLock { $0.task }?.cancel()
    }

    func finish(
        exit: ExitStatus,
        report: Report?,
        bytesSent: Int64 = 0,
        retries: Int = 0,
        clockOffset: Int64 = 0,
        batchSucceeded: Bool? = nil
    ) {
        state.withLock { $0.task }?.cancel()
        let correction = TimeInterval(clockOffset)
        let now = Date().addingTimeInterval(correction)
        var previous = previousSuccess
        if let problem = previousAhead, let ahead = problem.ahead {
            if MetricsFile.isBelievable(ahead, now: now) {
                previous = ahead
            } else {
                Self.warnIgnored(problem, console: console)
            }
        }
        var metrics = BatchMetrics(
            batch: batch,
            shard: shard,
            inProgress: false,
            startedAt: startedAt.addingTimeInterval(correction),
            endedAt: now,
            durationSeconds: (ContinuousClock.now - started).seconds,
            exitCode: exit.rawValue,
            lastSuccess: BatchMetrics.lastSuccess(
                previous: previous,
                report: report,
                thisRunSucceeded: batchSucceeded ?? (exit == .success),
                now: now
            )
        )
        if let report { metrics.count(report) }
        metrics.bytesSent = bytesSent
        metrics.retries = retries
        if let (directory, batch, own) = state.withLock({ $0.reports }) {
            metrics.incompleteSnapshots = directory.incompleteSnapshots(ofBatch: batch, besides: own)
        }
        write(metrics, final: true)
    }

    /// One write at a time; none after the final one (a periodic write still under way must not replace it)
    /// but another final one (`finish` again: a run whose summary stdout could not take exits 3).
    private func write(_ metrics: BatchMetrics, final: Bool) {
        state.withLock { s in
            guard !s.finished || final else { return }
            if final { s.finished = true }
            do throws(StateFileError) {
                try file.write(metrics)
            } catch {
                // Said once during the run, and again at its end: the file is stale until a write succeeds.
                guard final || !s.warned else { return }
                s.warned = true
                console.warning(
                    "metrics_write_failed",
                    "cannot write the metrics file: \(error)",
                    ["path": .string(error.path), "reason": .string(error.reason)]
                )
            }
        }
    }
}
