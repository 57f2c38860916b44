import Foundation
import LocalFiles

/// What `run --report PATH` does with what is already at PATH. A finished batch's report is kept as
/// `PATH.prev` (one generation; an older `.prev` is replaced) and the new report takes its place — or, when
/// its night's dated snapshot stays incomplete, set aside among the batch's default reports (`setAside`). An
/// unfinished batch (running or killed, interrupted, or with multipart uploads open) is never replaced: its
/// open uploads would be orphaned, billed, and out of reach of `abort`. Nor is anything that is not a
/// report, or a symbolic link.
package enum ReportReplacement {
    /// Where the previous report at `path` is kept.
    package static func previousPath(of path: String) -> String { path + ".prev" }

    /// Checks `path` before `run` writes a new report there (under the report's lock). Returns the finished
    /// report there, to be kept by `keepPrevious` (or `setAside`), `nil` when nothing is there; throws, with
    /// what to do, otherwise.
    package static func check(_ path: String) throws(ReportLoadError) -> ReportOverview? {
        let status: FileStatus
        do { status = try FileStatus.lstat(path) } catch {
            if error.doesNotExist { return nil }
            throw ReportLoadError(path: path, reason: error.reason)
        }
        guard status.kind == .regular else {
            throw ReportLoadError(
                path: path,
                reason: "is \(status.kind.description), not a report; ossbatch does not write through or over it: "
                    + "remove it or give another --report"
            )
        }
        try ReportFile.requireOwn(path, status)
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
        if overview.status == .aborted, let last = overview.runs.last, last.command == "abort", let error = last.error {
            // Its abort left keys another process held, or aborts that failed: an upload of it may be open with
            // no job line naming it (a killed run's checkpoint only), which `open_uploads` does not count.
            throw ReportLoadError(
                path: path,
                reason: "holds a batch whose abort left uploads open (\(error.message)). Run 'ossbatch abort "
                    + "\(path)' again; then run again (or give another --report)"
            )
        }
        if let reason = overview.unfinishedReason {
            throw ReportLoadError(
                path: path,
                reason: "holds an unfinished batch: \(reason). Finish it with 'ossbatch resume \(path)', or give it "
                    + "up with 'ossbatch abort \(path)'; then run again (or give another --report)"
            )
        }
        return overview
    }

    /// Moves the finished report at `path` (and its journal, first) to `destination`, a new name among the
    /// batch's default reports (`DefaultReports.newPath`), instead of `PATH.prev`: a night whose dated snapshot
    /// stays incomplete (`SnapshotLeftIncomplete`) is where `status` lists it and `--keep-reports` keeps it,
    /// not in a `.prev` the next night replaces. Throws (nothing moved) when it cannot be renamed there (another
    /// file system): the caller keeps it as `PATH.prev` then.
    package static func setAside(_ path: String, to destination: String) throws(StateFileError) {
        guard rename(path + ".journal", destination + ".journal") == 0 || errno == ENOENT else {
            throw StateFileError(path: path + ".journal", operation: "move to \(destination).journal", errno: errno)
        }
        guard rename(path, destination) == 0 else {
            let error = StateFileError(path: path, operation: "move to \(destination)", errno: errno)
            rename(destination + ".journal", path + ".journal")
            throw error
        }
        AtomicFile.syncDirectory((destination as NSString).deletingLastPathComponent)
        AtomicFile.syncDirectory((path as NSString).deletingLastPathComponent)
    }

    /// Moves the finished report at `path`, and its journal, to `PATH.prev` (and `PATH.prev.journal`): the
    /// journal first, so that no kill leaves the old journal beside no report. Until the new report is
    /// written nothing is at `path`: a run that dies before it (killed, or its first write refused by a full
    /// disk) leaves no report to pass for that night — `status PATH` fails, and the summary says to run the
    /// manifest again. (A second link kept last night's report at `path` instead, and a killed night then
    /// passed for last night's success: review of 0ad530e.)
    ///
    /// The older generation's report is removed on another thread (`BackgroundRemoval`) once both renames are
    /// done (should one fail, it is put back): the caller waits for the removal it returns before it exits.
    package static func keepPrevious(_ path: String) throws(StateFileError) -> BackgroundRemoval {
        let previous = previousPath(of: path)
        // An older generation's journal must not end up beside this report.
        unlink(previous + ".journal")
        let older = BackgroundRemoval.SetAside(previous, asLeftoverOf: path)
        for (step, (from, to)) in [(path + ".journal", previous + ".journal"), (path, previous)].enumerated() {
            guard rename(from, to) == 0 || errno == ENOENT else {
                let error = StateFileError(path: from, operation: "keep as \(to)", errno: errno)
                // The report is still at `path`: its journal goes back beside it (had it moved), and the older
                // report back to `.prev` as it was — each journal beside its own report (review of f19890a).
                if step > 0 { rename(previous + ".journal", path + ".journal") }
                older?.putBack()
                throw error
            }
        }
        AtomicFile.syncDirectory((path as NSString).deletingLastPathComponent)
        return older?.remove() ?? .none
    }
}
