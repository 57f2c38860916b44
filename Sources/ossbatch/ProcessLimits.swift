import Foundation
import LocalFiles
import OSSBatch

/// The process limits a command cannot work below, checked before it starts: the open files a run needs at
/// its least (one request and one multipart file at a time), and threads. Under `ulimit -n 10` a run crashed
/// making its signal pipe (SIGILL, no report); under `ulimit -u 5` it hung for ever holding its batch's lock
/// (audit of 49872c5).
enum ProcessLimits {
    /// The fewest descriptors any run needs (`UploadSettings.descriptorsNeeded` at concurrency 1).
    static let minimumOpenFiles = UploadSettings.descriptorsBeyondRequests + 3

    /// Threads a command may run at once: dispatch's workers and Swift's cooperative pool (a core each), the
    /// transport's, the signal and watchdog threads, the main one. A run on 2 cores peaked at 8
    /// (`/proc/PID/status`, 2026-12-06).
    static var threadsNeeded: Int { 6 + 2 * ProcessInfo.processInfo.activeProcessorCount }

    /// What is wrong, or nil. The open-file limit is the soft one after `OpenFileLimit.raiseToHardLimit()`.
    static func problem() -> String? {
        let openFiles = OpenFileLimit.current
        if openFiles < minimumOpenFiles {
            return "this process may open \(openFiles) files (ulimit -n, its hard limit ulimit -Hn), fewer than the "
                + "\(minimumOpenFiles) any ossbatch command needs: raise it (ulimit -n 1024, or LimitNOFILE= in a "
                + "systemd unit); nothing was done"
        }
        if !ThreadHeadroom.allows(threadsNeeded) {
            return "this process cannot start the \(threadsNeeded) threads it needs (ulimit -u: the user's processes "
                + "and threads are at their limit): raise it (ulimit -u, or TasksMax= in a systemd unit) or end "
                + "some of the user's processes; nothing was done"
        }
        return nil
    }
}
