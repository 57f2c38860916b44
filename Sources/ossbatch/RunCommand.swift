import ArgumentParser
import Foundation
import LocalFiles
import OSSBatch

/// `ossbatch run MANIFEST`: plan the manifest and upload the batch.
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Upload the files a manifest selects, resumably, and write a JSON report.",
        discussion: """
            The report is written before the first upload request and kept current (outcomes are appended to \
            REPORT.journal as they happen), so a run that fails, is interrupted or killed can be finished \
            with 'ossbatch resume REPORT'. Credentials come from --credentials-file, the manifest's \
            target.credentials, OSS_ACCESS_KEY_ID / OSS_ACCESS_KEY_SECRET / OSS_SESSION_TOKEN, the \
            ALIBABA_CLOUD_* variables, RRSA, the aliyun CLI's config or the ECS RAM role, in that order \
            (docs/manifest.md); temporary ones are renewed before they expire. Another run of the same \
            manifest (or resume of its batch) in progress: exit 4.
            """
    )

    @Argument(
        help: "The manifest (YAML). Relative paths inside it are resolved against its directory.",
        completion: .file(extensions: ["yaml", "yml"])
    )
    var manifest: String

    @Option(
        help: ArgumentHelp(
            "Where to write the report. Default: a new file in the state directory, STATE/BATCH/reports/. "
                + "A finished report already there is kept as PATH.prev (one of a night whose dated snapshot stays "
                + "incomplete is set aside among the batch's reports); an unfinished one is refused.",
            valueName: "path"
        ),
        completion: .file(extensions: ["json"])
    )
    var report: String?

    @Option(
        help: ArgumentHelp(
            "How many reports of this batch to keep in the state directory (default reports only; unfinished "
                + "ones are never removed, those of nights whose dated snapshot stays incomplete go last).",
            valueName: "n"
        )
    )
    var keepReports: Int = 30

    @Option(
        help: ArgumentHelp(
            "With upload.unchanged skip or copy: 'list' lists the batch's prefix first and uploads again every "
                + "file the upload index vouches for whose object is missing or differs on the server; 'none' "
                + "trusts the index (default).",
            valueName: "none|list"
        )
    )
    var verifyRemote: RemoteVerification = .none

    @OptionGroup var target: TargetOptions
    @OptionGroup var sharding: ShardOptions
    @OptionGroup var execution: ExecutionOptions
    @OptionGroup var metrics: MetricsOptions

    mutating func validate() throws {
        guard (1...100_000).contains(keepReports) else { throw ValidationError("--keep-reports must be 1 to 100000") }
    }

    func run() async throws {
        let console = execution.makeConsole()
        let state = StateDirectory.resolve()
        let metrics = MetricsReporter(
            options: metrics,
            batch: Report.batchName(manifestPath: manifest),
            // A `--shard` that does not read (its error comes with the plan's) labels nothing.
            shard: try? sharding.resolve(),
            console: console
        )
        // The plan lives only until its report is made: the report holds every job, the plan would be a
        // second copy of them for the whole run.
        var (initial, identity, selectsNothing): (Report, BatchIdentity, Bool)
        // Seconds OSS's clock is ahead of this machine's, when dated keys needed a correction.
        var clockOffset: Int64 = 0
        do {
            // The plan is handed on, not kept, so that the report can free its jobs as it takes them.
            let loaded = try target.load(manifest, console: console)
            let placeholders: PlaceholderValues
            (placeholders, clockOffset) = try await target.checkedPlaceholders(for: loaded, console: console)
            var plan = try target.plan(
                loaded,
                placeholders: placeholders,
                shard: try sharding.resolve(),
                console: console,
                notes: !execution.quiet
            ) { metrics?.finish(exit: .fatal, report: nil) }
            // A shard with no lines of a plan that has some is fine: N may exceed the files.
            selectsNothing = plan.selectsNothing && !plan.allowEmpty
            plan.upload.verifyRemote = verifyRemote
            identity = BatchIdentity(plan)
            initial = Report(consuming: consume plan)
        } catch {
            metrics?.finish(exit: .invalidInput, report: nil)
            // Named by its file: an invalid manifest may name no batch (`name:`) that can be read.
            recordFailedStart(
                batch: Report.batchName(manifestPath: manifest),
                in: state,
                exit: (error as? ExitCode).map(\.rawValue) ?? ExitStatus.invalidInput.rawValue,
                code: "plan_failed",
                message: "it stopped before its plan was made: the manifest, its files or the clock check "
                    + "(the run's error output says which; 'ossbatch plan \(manifest)' shows a manifest's errors)"
            )
            throw error
        }
        let defaultReport = report == nil
        let reportPath: String
        do {
            // `~` is `$HOME`, as in the manifest (NSString's expansion ignores `$HOME`). A shard's report is
            // named for its shard, so that N shards given one --report never share a file.
            reportPath =
                try report.map {
                    let path = PathResolver.absolute($0, relativeTo: FileManager.default.currentDirectoryPath)
                    return initial.shard.map { $0.shard.reportPath(for: path) } ?? path
                }
                ?? DefaultReports.newPath(
                    batch: identity.directoryName,
                    in: state,
                    now: Date().addingTimeInterval(TimeInterval(clockOffset))
                )
            if defaultReport {
                // In the state directory, checked before anything is made in it.
                try StateDirectory.prepare((reportPath as NSString).deletingLastPathComponent)
            } else {
                try ReportStore.prepareDirectory(for: reportPath)
            }
        } catch {
            console.error(
                "report_write_failed",
                "cannot write the report: \(error)",
                ["path": .string(report ?? state.reports(batch: identity.directoryName))]
            )
            endBeforeReport(
                .fatal,
                report: nil,
                batch: identity.directoryName,
                in: state,
                metrics: metrics,
                code: "report_write_failed",
                message: "cannot write the report: \(error)"
            )
            throw ExitCode(ExitStatus.fatal.rawValue)
        }
        if !defaultReport { Self.warnIfInAnotherBatch(reportPath, batch: identity.directoryName, in: state, console) }
        metrics?.countIncompleteSnapshots(ofBatch: identity.directoryName, in: state, besides: reportPath)
        let reportLock: StateLock
        do {
            reportLock = try ReportLock.acquire(report: reportPath, command: "run", manifest: identity.manifestPath)
        } catch {
            if !defaultReport, case .busy = error {
                Self.recordRefusal(of: initial, error, batch: identity.directoryName, in: state, console: console)
            }
            // Busy: the report is its holder's, running (as `status` shows), and so are the metrics. Unusable:
            // nothing runs it; the metrics say so (they kept the night before's exit code, review of ca63f16).
            if case .unusable(let problem) = error {
                endBeforeReport(
                    error.exitStatus,
                    report: nil,
                    batch: identity.directoryName,
                    in: state,
                    metrics: metrics,
                    code: "report_lock_unusable",
                    message: "\(problem)"
                )
            }
            throw StateLocking.exit(for: error, console: console)
        }
        defer { reportLock.release() }
        // Before PATH is touched: a run refused as busy must not move the report there to `.prev` (dropping the
        // older one) and leave its refusal in its place (review of 572eea5).
        let batchLock: StateLock
        do {
            batchLock = try BatchLock.acquire(
                manifest: identity.manifestPath,
                bucket: identity.bucket,
                shard: initial.shard?.shard,
                report: reportPath,
                command: "run",
                in: state
            )
        } catch {
            Self.recordRefusedStart(
                of: initial,
                error,
                at: reportPath,
                batches: [identity.directoryName, Report.batchName(manifestPath: manifest)],
                in: state,
                console
            )
            if error.exitStatus == .busy {
                metrics?.leaveForTheRunningBatch()
            } else {
                metrics?.finish(exit: error.exitStatus, report: initial)
            }
            throw StateLocking.exit(for: error, console: console)
        }
        defer { batchLock.release() }
        StateLocking.warnIfCrashed(batchLock, console: console)
        let previous: ReportOverview?
        do { previous = try ReportReplacement.check(reportPath) } catch {
            console.error("report_unfinished", "\(error)", ["report": .string(reportPath)])
            endBeforeReport(
                .invalidInput,
                report: nil,
                batch: identity.directoryName,
                in: state,
                metrics: metrics,
                code: "report_unfinished",
                message: "\(error)"
            )
            throw ExitCode(ExitStatus.invalidInput.rawValue)
        }
        if selectsNothing {
            console.error("no_files", "the manifest selects no files (add allow_empty: true if that is fine)")
            endBeforeReport(
                .jobsFailed,
                report: initial,
                batch: identity.directoryName,
                in: state,
                metrics: metrics,
                code: "no_files",
                message: "the manifest selects no files (add allow_empty: true if that is fine)"
            )
            throw ExitCode(ExitStatus.jobsFailed.rawValue)
        }
        let store: ReportStore
        // The report of two nights ago, replaced by last night's, goes while this run works.
        var olderReport = BackgroundRemoval.none
        defer { olderReport.wait() }
        do {
            if let previous {
                olderReport = try Self.replace(
                    previous,
                    at: reportPath,
                    tonight: initial,
                    batch: identity.directoryName,
                    in: state,
                    console: console
                )
            }
            store = try ReportStore.create(at: reportPath)
        } catch {
            console.error(
                "report_write_failed",
                "cannot write the report: \(error)",
                ["path": .string(error.path), "error": .string(error.reason)]
            )
            endBeforeReport(
                .fatal,
                report: initial,
                batch: identity.directoryName,
                in: state,
                metrics: metrics,
                code: "report_write_failed",
                message: "cannot write the report: \(error)"
            )
            throw ExitCode(ExitStatus.fatal.rawValue)
        }
        // Its report is written: an earlier night's start that failed no longer stands for the batch (nor
        // one recorded under the manifest's file name, when the manifest could not be read for its `name:`).
        for batch in Set([identity.directoryName, Report.batchName(manifestPath: manifest)]) {
            FailedStart.clear(batch: batch, in: state)
        }
        let status = await BatchRunner.execute(
            report: consume initial,
            store: store,
            command: "run",
            options: execution,
            console: console,
            metrics: metrics,
            state: state,
            clockOffset: clockOffset
        )
        // Also after a run with `--report`: it may have set last night's report aside among the default ones.
        let pruned = DefaultReports.prune(batch: identity.directoryName, in: state, keep: keepReports)
        for (path, reason) in pruned.incomplete {
            console.warning(
                "report_pruned_incomplete",
                "removed the report \(path) to keep \(keepReports) (--keep-reports), although its night's snapshot "
                    + "stays incomplete (\(reason)); 'ossbatch status' no longer lists it",
                ["report": .string(path)]
            )
        }
        throw ExitCode(status.rawValue)
    }

    /// A night refused because another process holds its batch (`batches[0]`; also the manifest file's name):
    /// its report, refused, goes to PATH when nothing is there (a default report's new name, a first `--report`); where PATH holds an earlier night's report,
    /// that is left as it is and the refusal is kept among the batch's reports (`recordRefusal`).
    private static func recordRefusedStart(
        of tonight: Report,
        _ error: LockError,
        at path: String,
        batches: [String],
        in state: StateDirectory,
        _ console: Console
    ) {
        guard (try? FileStatus.lstat(path)) == nil else {
            if case .busy = error { recordRefusal(of: tonight, error, batch: batches[0], in: state, console: console) }
            return
        }
        var refused = tonight
        refused.recordRefusedRun("run", exitStatus: error.exitStatus, error: error.jobError)
        guard (try? ReportStore.create(at: path).write(refused)) != nil else { return }
        // Its report is written: an earlier night's start that failed no longer stands for the batch.
        for name in Set(batches) { FailedStart.clear(batch: name, in: state) }
    }

    /// A night refused because another process holds its `--report` (the night before, still running, under
    /// the same fixed path: the unit's, the cron line's) cannot write that report. Under dated keys its
    /// snapshot would then be empty with nothing but its exit 4 to say so: its report is written among the
    /// batch's default reports instead, refused as busy, where `status` lists it (`SnapshotLeftIncomplete`)
    /// unless the night that held the batch planned the same keys. Under keys without a placeholder the next
    /// night sends the files again, and nothing is written (as before).
    private static func recordRefusal(
        of tonight: Report,
        _ error: LockError,
        batch: String,
        in state: StateDirectory,
        console: Console
    ) {
        guard tonight.keyResolution != nil else { return }
        var refused = tonight
        refused.recordRefusedRun("run", exitStatus: error.exitStatus, error: error.jobError)
        do {
            let path = try DefaultReports.newPath(batch: batch, in: state)
            try ReportStore.create(at: path).write(refused)
            console.warning(
                "report_refused_kept",
                "this night's report is kept as \(path), refused: 'ossbatch status' lists it unless the run that "
                    + "holds the batch plans the same keys; resume it once that run has ended",
                ["report": .string(path)]
            )
        } catch {
            console.warning(
                "report_refused_not_kept",
                "cannot keep this refused night's report among the batch's reports: \(error)",
                ["error": .string("\(error)")]
            )
        }
    }

    /// Warning `report_in_another_batch` when `--report PATH` is in the directory of another batch of the state
    /// directory than this manifest's (a copied manifest whose `name:` was kept, a unit instance named otherwise):
    /// `status` and `resume --batch` of either name miss some of this batch's nights — the report is listed
    /// under the one, the nights it sets aside go to the other's `reports/`. A shard's report beside its
    /// batch's is this batch's.
    private static func warnIfInAnotherBatch(
        _ path: String,
        batch: String,
        in state: StateDirectory,
        _ console: Console
    ) {
        guard let holder = state.batch(holdingReport: path), holder != batch,
            holder != ShardedBatchStatus.parse(batch)?.batch
        else { return }
        console.warning(
            "report_in_another_batch",
            "the report \(path) is in the directory of batch '\(holder)', but this manifest's batch is '\(batch)' "
                + "(its name:): 'ossbatch status \(holder)' and 'ossbatch resume --batch \(holder)' do not see the nights "
                + "this batch sets aside in \(state.reports(batch: batch)), nor 'status \(batch)' this report; set "
                + "name: \(holder) in the manifest, or give the report a path under \(state.batch(batch))",
            ["report": .string(path), "batch": .string(batch), "directory_of": .string(holder)]
        )
    }

    /// Makes way at `path` for tonight's report (`tonight`): the finished report there is kept as `PATH.prev`
    /// — or, when its night left a dated snapshot incomplete that tonight does not plan again
    /// (`SnapshotLeftIncomplete`), set aside among the batch's default reports, where `status` lists it and
    /// `--keep-reports` keeps it (as `PATH.prev` the next night would replace it, and nothing would say its
    /// snapshot lacks files). Returns the removal of the older `.prev`, if one was replaced.
    private static func replace(
        _ previous: ReportOverview,
        at path: String,
        tonight: Report,
        batch: String,
        in state: StateDirectory,
        console: Console
    ) throws(StateFileError) -> BackgroundRemoval {
        guard let reason = SnapshotLeftIncomplete.reason(of: .init(previous), among: [.init(tonight)]) else {
            return try ReportReplacement.keepPrevious(path)
        }
        let made = Timestamp.parse(previous.createdAt) ?? Date()
        var aside: String?
        do {
            let destination = try DefaultReports.newPath(batch: batch, in: state, now: made)
            do {
                try ReportReplacement.setAside(path, to: destination)
                aside = destination
            } catch {
                unlink(ReportLock.path(of: destination))
                throw error
            }
        } catch {
            console.warning(
                "report_set_aside_failed",
                "the report at \(path) is of a night whose snapshot stays incomplete (\(reason)), but it cannot be "
                    + "moved among the batch's reports (\(error)): it is kept as \(ReportReplacement.previousPath(of: path)) "
                    + "only, which the next night replaces; resume it from there",
                ["report": .string(path)]
            )
        }
        guard let aside else { return try ReportReplacement.keepPrevious(path) }
        console.warning(
            "report_set_aside",
            "the report at \(path) is of a night whose snapshot stays incomplete (\(reason)); it is kept as \(aside), "
                + "where 'ossbatch status' lists it until it is resumed or aborted",
            ["report": .string(path), "kept_as": .string(aside)]
        )
        return .none
    }

    /// A run that ends with `exit` before writing its report: its metrics say so, and its `FailedStart`, for
    /// `status` (its console error is said by the caller).
    private func endBeforeReport(
        _ exit: ExitStatus,
        report: Report?,
        batch: String,
        in state: StateDirectory,
        metrics: MetricsReporter?,
        code: String,
        message: String
    ) {
        metrics?.finish(exit: exit, report: report)
        recordFailedStart(batch: batch, in: state, exit: exit.rawValue, code: code, message: message)
    }

    /// Records a run that ends before writing its report (`FailedStart`), so that `status` shows it.
    private func recordFailedStart(batch: String, in state: StateDirectory, exit: Int32, code: String, message: String)
    {
        let manifestPath = PathResolver.absolute(manifest, relativeTo: FileManager.default.currentDirectoryPath)
        FailedStart.record(
            FailedStart(command: "run", exitCode: exit, code: code, message: message, manifest: manifestPath),
            batch: batch,
            in: state
        )
    }

    /// What the rest of a run needs of its plan, so that the plan itself can go once its report is made.
    private struct BatchIdentity {
        var manifestPath: String
        var bucket: String
        /// The batch's directory in the state directory (`Plan.batchName`).
        var directoryName: String

        init(_ plan: Plan) {
            manifestPath = plan.manifestPath
            bucket = plan.target.bucket
            directoryName = plan.batchName
        }
    }
}

extension RunCommand: CommandWithExamples {
    static let examples = [
        (
            what: "Upload a batch, the report in a state directory:",
            command: "ossbatch run /etc/ossbatch/nightly.yaml --report /var/lib/ossbatch/nightly/report.json"
        ),
        (
            what: "Unattended: credentials from a file, nothing printed unless something fails:",
            command: "ossbatch run nightly.yaml --credentials-file /etc/ossbatch/nightly.credentials --quiet"
        ),
        (
            what: "Slower for once, without editing the manifest:",
            command: "ossbatch run nightly.yaml --set upload.bandwidth=20MB/s --set upload.concurrency=4"
        ),
    ]
}
