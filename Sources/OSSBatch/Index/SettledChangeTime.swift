import LocalFiles

#if canImport(Glibc)
import Glibc
#endif

/// Whether a file's status-change time (ctime) had settled when the engine stat'ed the file before reading
/// it: only then may the upload index vouch for the bytes read.
///
/// A file system stamps a change with its clock's current tick, not the exact instant: a few milliseconds on
/// Linux's local file systems, whole seconds on some, two seconds on FAT. A file rewritten (at the same
/// length) within the tick of the version the engine stat'ed and read keeps its ctime, mtime and size; an
/// entry for that version would then vouch for bytes the file no longer holds, and every later night would
/// skip it. So an upload is indexed only when its ctime was already `margin(for:)` old by this machine's
/// clock, read before the stat: any later change is then stamped later, and the next night uploads it.
/// (git calls such entries "racily clean"; borg's files cache leaves out a run's newest timestamps.)
///
/// It assumes the file system's clock agrees with this machine's within the margin, as NTP keeps a network
/// file server's.
package enum SettledChangeTime {
    /// A second: the kernel's tick (at most 10 ms), sub-second stamps (exFAT's 10 ms) and a file server's
    /// clock a little off this machine's.
    package static let margin: Int64 = 1_000_000_000
    /// For a ctime of a whole second: a file system that keeps whole seconds, perhaps FAT's two-second steps
    /// (a ctime on a nanosecond file system is a whole second once in a billion: then it only waits longer).
    package static let wholeSecondMargin: Int64 = 3_000_000_000

    /// How old `ctime` must be to have settled.
    package static func margin(for ctime: Int64) -> Int64 {
        ctime % 1_000_000_000 == 0 ? wholeSecondMargin : margin
    }

    /// Whether `ctime` had settled at `clock` (nanoseconds since the epoch, read before the stat that gave
    /// `ctime`). A ctime ahead of the clock has not.
    package static func isSettled(_ ctime: Int64, at clock: Int64) -> Bool {
        let (age, overflow) = clock.subtractingReportingOverflow(ctime)
        return !overflow && age >= margin(for: ctime)
    }

    /// Why `ctime` had not settled at `clock`, for the job's warning; nil when it had. A ctime ahead of the
    /// clock is said as such: on a file server whose clock is ahead, every file is, every night.
    package static func unsettled(_ ctime: Int64, at clock: Int64) -> String? {
        guard !isSettled(ctime, at: clock) else { return nil }
        let (ahead, overflow) = ctime.subtractingReportingOverflow(clock)
        let why: String
        if !overflow && ahead > 0 {
            let seconds = ahead / 1_000_000_000
            let amount = seconds > 0 ? "\(seconds) s" : "\(max(1, ahead / 1_000_000)) ms"
            why = "its change time is \(amount) ahead of this machine's clock (is the file system's clock right?)"
        } else {
            why = "changed less than \(margin(for: ctime) / 1_000_000_000) s before it was read"
        }
        return why + "; uploaded, but not added to the upload index (the next run uploads it again)"
    }

    /// This machine's clock as file systems stamp with it (`CLOCK_REALTIME`), nanoseconds since the epoch.
    package static func now() -> Int64 {
        var time = timespec()
        clock_gettime(CLOCK_REALTIME, &time)
        return FileStatus.nanoseconds(time)
    }
}
