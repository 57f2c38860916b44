/// The process exit codes ossbatch promises (manifest.md).
package enum ExitStatus: Int32, Sendable {
    /// Every job succeeded or was skipped.
    case success = 0
    /// Some jobs failed, or files were skipped because they could not be read or had vanished (or a
    /// manifest selected no files without `allow_empty`).
    case jobsFailed = 1
    /// Invalid manifest, report or command line.
    case invalidInput = 2
    /// Fatal before or during the run: no credentials, bucket missing, access denied for the whole batch,
    /// the endpoint unreachable, state files unwritable.
    case fatal = 3
    /// Another process holds the report, the batch or a key this process needed (`BusyError` names it):
    /// nothing was started that the other process could meet.
    case busy = 4
    /// Stopped by SIGHUP (128 + 1): the terminal it ran in closed; `resume` continues.
    case hungUp = 129
    /// Stopped by SIGINT (128 + 2); `resume` continues.
    case interrupted = 130
    /// Stopped by SIGTERM (128 + 15); `resume` continues.
    case terminated = 143
}
