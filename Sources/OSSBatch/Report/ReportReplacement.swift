import Foundation
import LocalFiles

/// What `run --report PATH` does with what is already at PATH. A finished batch's report is kept as
/// `PATH.prev` (one generation; an older `.prev` is replaced) and the new report takes its place. An
/// unfinished batch (running or killed, interrupted, or with multipart uploads open) is never replaced: its
/// open uploads would be orphaned, billed, and out of reach of `abort`. Nor is anything that is not a
/// report, or a symbolic link.
package enum ReportReplacement {
    /// Where the previous report at `path` is kept.
    package static func previousPath(of path: String) -> String { path + ".prev" }

    /// Checks `path` before `run` writes a new report there (under the report's lock). Returns whether a
    /// finished report is there, to be kept by `keepPrevious`; throws, with what to do, otherwise.
    package static func check(_ path: String) throws(ReportLoadError) -> Bool {
        let status: FileStatus
        do { status = try FileStatus.lstat(path) } catch {
            if error.doesNotExist { return false }
            throw ReportLoadError(path: path, reason: error.reason)
        }
        guard status.kind == .regular else {
            throw ReportLoadError(
                path: path,
                reason: "is \(status.kind.description), not a report; ossbatch does not write through or over it: "
                    + "remove it or give another --report"
            )
        }
        let overview: ReportOverview
        do { overview = try ReportOverview.read(path) } catch {
            throw ReportLoadError(
                path: path,
                reason: "holds no usable report (\(error.reason)); ossbatch does not overwrite it: move it away or "
                    + "give another --report"
            )
        }
        if let reason = overview.unfinishedReason, overview.status == .aborted {
            // Given up already: `resume` refuses an aborted report, so only `abort` again can close its uploads
            // (audit of 72b75db: the advice named `resume`, which then refused).
            throw ReportLoadError(
                path: path,
                reason: "holds a batch that was given up but still has uploads open: \(reason). Run "
                    + "'ossbatch abort \(path)' again once the endpoint answers (with --endpoint URL if the "
                    + "report's is wrong); then run again (or give another --report)"
            )
        }
        if let reason = overview.unfinishedReason {
            throw ReportLoadError(
                path: path,
                reason: "holds an unfinished batch: \(reason). Finish it with 'ossbatch resume \(path)', or give it "
                    + "up with 'ossbatch abort \(path)'; then run again (or give another --report)"
            )
        }
        return true
    }

    /// Keeps the finished report at `path` as `PATH.prev`, and its journal as `PATH.prev.journal`. The report
    /// stays at `path` too (a second link to it) until the new report replaces it atomically: a process killed
    /// in between leaves last night's report there, not nothing (audit of 7f6ac3f: a kill 15 ms into a run
    /// left no report at PATH, and the old journal beside none). Where the file system has no hard links, it
    /// is moved.
    package static func keepPrevious(_ path: String) throws(StateFileError) {
        let previous = previousPath(of: path)
        // An older generation's journal must not end up beside this report.
        unlink(previous + ".journal")
        guard rename(path + ".journal", previous + ".journal") == 0 || errno == ENOENT else {
            throw StateFileError(path: path + ".journal", operation: "keep as \(previous).journal", errno: errno)
        }
        unlink(previous)
        if link(path, previous) != 0 {
            guard errno == EPERM || errno == ENOTSUP || errno == EOPNOTSUPP || errno == EMLINK else {
                throw StateFileError(path: path, operation: "keep as \(previous)", errno: errno)
            }
            guard rename(path, previous) == 0 else {
                throw StateFileError(path: path, operation: "keep as \(previous)", errno: errno)
            }
        }
        AtomicFile.syncDirectory((path as NSString).deletingLastPathComponent)
    }
}
