import OSSBatch

/// The few lines printed at the end of `run` and `resume`.
struct RunSummary {
    let report: Report
    let reportPath: String
    let elapsed: Duration
    let bytesSent: Int64

    func text() -> String {
        let t = report.totals
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        let rate = seconds > 0 ? Int64(Double(bytesSent) / seconds) : 0
        var lines = [
            "\(report.status.rawValue): \(t.succeeded) succeeded, \(t.skipped) skipped, \(t.failed) failed, \(t.pending) pending of \(t.jobs) files",
            "sent \(ByteSize.format(bytesSent)) in \(DurationText.format(seconds)) (\(ByteSize.format(rate))/s); \(ByteSize.format(t.bytesDone)) of \(ByteSize.format(t.bytes)) done",
        ]
        if let fatal = report.fatalError { lines.append("stopped: \(fatal)") }
        let failed = report.jobs.filter { $0.outcome.status == .failed }
        for job in failed.prefix(10) {
            lines.append("  failed \(job.spec.key): \(job.outcome.error.map { "\($0)" } ?? "unknown error")")
        }
        if failed.count > 10 { lines.append("  … and \(failed.count - 10) more (see the report)") }
        let left = report.jobs.filter { $0.outcome.status == .skipped && $0.outcome.reason?.leavesFileBehind == true }
        for job in left.prefix(10) {
            let what = job.outcome.reason == .unlistable ? "directory" : "file"
            lines.append("  skipped \(job.spec.key): \(what) \(job.spec.source) \(job.outcome.reason?.rawValue ?? "")")
        }
        if left.count > 10 { lines.append("  … and \(left.count - 10) more skipped (see the report)") }
        lines.append("report: \(reportPath)")
        if report.status != .succeeded { lines.append("to continue: ossbatch resume \(reportPath)") }
        if !left.isEmpty {
            lines.append(
                "\(left.count) skipped \(left.count == 1 ? "file is" : "files are") not in the bucket (unreadable or vanished); "
                    + "resume does not retry them: once they can be read, run the manifest again (ossbatch run \(report.manifest))"
            )
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
