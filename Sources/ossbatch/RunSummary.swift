import Foundation
import Logging
import OSSBatch

/// How `run` and `resume` end: a few lines on stdout (or, with `--output json`, one JSON object), and with
/// JSON logs the `run_finished` record on stderr.
struct RunSummary {
    let command: String
    let report: Report
    let reportPath: String
    /// What continues the batch (`ExecutionOptions.resumeCommand`), said when it did not succeed.
    let resumeCommand: String
    /// Whether a report is at `reportPath`: a run whose first write failed (a full disk) has none, and its
    /// resume would be refused (`no such report`; audit of 7f6ac3f): the manifest is run again instead.
    var reportOnDisk = true
    let exitStatus: ExitStatus
    let elapsed: Duration
    let bytesSent: Int64

    /// Failed jobs listed by name; the report has every one.
    static let listedFailures = 10

    func text() -> String {
        let t = report.totals
        let seconds = elapsed.seconds
        let rate = seconds > 0 ? Int64(Double(bytesSent) / seconds) : 0
        var lines = [
            headline,
            "sent \(ByteSize.format(bytesSent)) in \(DurationText.format(seconds)) (\(ByteSize.format(rate))/s); \(ByteSize.format(t.bytesDone)) of \(ByteSize.format(t.bytes)) done",
        ]
        if let fatal = report.fatalError { lines.append("stopped: \(fatal)") }
        let failed = failedJobs
        for job in failed.prefix(Self.listedFailures) {
            lines.append("  failed \(job.spec.key): \(job.outcome.error.map { "\($0)" } ?? "unknown error")")
        }
        if failed.count > Self.listedFailures {
            lines.append("  … and \(failed.count - Self.listedFailures) more (see the report)")
        }
        let left = report.jobs(where: Report.leftBehind)
        for job in left.prefix(Self.listedFailures) {
            let what =
                job.outcome.reason == .brokenLink ? "link" : job.spec.key.hasSuffix("/") ? "directory" : "file"
            lines.append("  skipped \(job.spec.key): \(what) \(job.spec.source) \(job.outcome.reason?.rawValue ?? "")")
        }
        if left.count > Self.listedFailures {
            lines.append("  … and \(left.count - Self.listedFailures) more skipped (see the report)")
        }
        if reportOnDisk {
            lines.append("report: \(reportPath)")
            if report.status != .succeeded { lines.append("to continue: \(resumeCommand)") }
        } else {
            lines.append("report: \(reportPath) was not written (nothing to resume)")
            lines.append("to continue: once it can be written, run the manifest again: \(rerunCommand)")
        }
        if !left.isEmpty {
            lines.append(
                "\(left.count) skipped \(left.count == 1 ? "file was" : "files were") not uploaded (unreadable, named in bytes that are not UTF-8 or too long for a key, broken symbolic links, or vanished); "
                    + "resume does not retry them: once they can be read (or are renamed, or their links mended), run the manifest again (ossbatch run \(report.manifest))"
            )
        }
        // One line each: keys, paths and error messages are not ours to break lines with.
        return lines.map(TerminalText.line).joined(separator: "\n") + "\n"
    }

    /// The summary as one JSON object (`--output json`), keys as in docs/formats.md § The run summary.
    func json() -> [UInt8] {
        // A dictionary of `LogValue`s always encodes.
        ((try? StreamingJSONEncoder().encode(fields)) ?? []) + [UInt8(ascii: "\n")]
    }

    /// The `run_finished` record: `notice` when every job is done and the run exits 0, `warning` when
    /// interrupted or when every job is done but the run exits otherwise (files skipped because they could not
    /// be read: exit 1), `error` else — so that `--quiet` shows it whenever the exit code is not 0.
    func record() -> LogRecord {
        let level: Logger.Level
        switch report.status {
        case .succeeded: level = exitStatus == .success ? .notice : .warning
        case .interrupted, .aborted: level = .warning
        case .running, .failed, .fatal: level = .error
        }
        return LogRecord(level: level, event: "run_finished", message: headline, fields: fields)
    }

    private var headline: String {
        let t = report.totals
        return
            "\(report.status.rawValue): \(t.succeeded) succeeded, \(t.skipped) skipped, \(t.failed) failed, \(t.pending) pending of \(t.jobs) files"
            + indexNote
    }

    /// `(12 unchanged, 3 copied)` when the upload index saved work; empty otherwise.
    private var indexNote: String {
        let t = report.totals
        let parts = [t.unchanged.map { "\($0) unchanged" }, t.copied.map { "\($0) copied" }].compactMap { $0 }
        return parts.isEmpty ? "" : " (" + parts.joined(separator: ", ") + ")"
    }

    /// The failed jobs: none to look for when the totals count none (a night of 200,000 unchanged files looked
    /// at every one, twice).
    private var failedJobs: [ReportJob] {
        report.totals.failed == 0 ? [] : report.jobs { status, _ in status == .failed }
    }

    private var fields: [String: LogValue] {
        let t = report.totals
        var fields: [String: LogValue] = [
            "command": .string(command),
            "batch": .string(report.batchName),
            "status": .string(report.status.rawValue),
            "exit_code": .number(exitStatus.rawValue),
            "report": .string(reportPath),
            "duration_ms": .number(elapsed.milliseconds),
            "bytes_sent": .number(bytesSent),
            "totals": .object(
                [
                    "jobs": .number(t.jobs), "succeeded": .number(t.succeeded), "skipped": .number(t.skipped),
                    "failed": .number(t.failed), "pending": .number(t.pending), "bytes": .number(t.bytes),
                    "bytes_done": .number(t.bytesDone),
                ].merging(
                    [("unchanged", t.unchanged), ("copied", t.copied)].compactMap { name, value in
                        value.map { (name, LogValue.number($0)) }
                    },
                    uniquingKeysWith: { a, _ in a }
                )
            ),
        ]
        if let fatal = report.fatalError { fields["fatal_error"] = .object(fatal.summaryFields) }
        let failed = failedJobs.prefix(Self.listedFailures).map { job -> LogValue in
            var entry: [String: LogValue] = ["key": .string(job.spec.key)]
            if let error = job.outcome.error { entry["error"] = .object(error.summaryFields) }
            return .object(entry)
        }
        if !failed.isEmpty { fields["failed_jobs"] = .array(failed) }
        if !reportOnDisk {
            fields["report_written"] = .bool(false)
            fields["rerun_command"] = .string(rerunCommand)
        } else if report.status != .succeeded {
            fields["resume_command"] = .string(resumeCommand)
        }
        return fields
    }

    /// `ossbatch run MANIFEST`, for a run that left no report to resume.
    private var rerunCommand: String { "ossbatch run \(ShellWord.quoted(report.manifest))" }
}

extension JobError {
    /// As the report writes an error: `code`, `message`, `http_status`, `request_id`, `ec`.
    var summaryFields: [String: LogValue] {
        var fields: [String: LogValue] = ["code": .string(code), "message": .string(message)]
        if let httpStatus { fields["http_status"] = .number(httpStatus) }
        if let requestID, !requestID.isEmpty { fields["request_id"] = .string(requestID) }
        if let ec { fields["ec"] = .string(ec) }
        return fields
    }
}
