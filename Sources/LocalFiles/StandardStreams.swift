import Glibc

/// Descriptors 0, 1 and 2 for a process that nobody may be watching (cron, a service manager, a wrapper
/// script): closed by whoever started it, or writing into a full disk or a pipe whose reader is gone.
public enum StandardStreams {
    /// Opens `/dev/null` on each of descriptors 0, 1 and 2 that is closed, and ignores SIGPIPE and SIGXFSZ.
    /// Call it first thing in `main`, before anything opens a file.
    ///
    /// A closed descriptor 1 or 2 is otherwise taken by the next file the process opens (an event descriptor,
    /// a source file, the report), and every log line is then written into that file. SIGPIPE would kill the
    /// process at its first line after a reader of stdout or stderr went away (`ossbatch run … | head`),
    /// with its report unfinished; ignored, such a write fails with EPIPE, which `StandardStreamWriter`
    /// handles like any other failed write. Ignoring it is safe for this process: it starts no children,
    /// which would inherit the setting, and libcurl asks the same of its callers.
    ///
    /// SIGXFSZ likewise: a write past the file size limit (`ulimit -f`, `fsize` in limits.conf, a shared
    /// machine's cron) kills the process with a core dump, its report half written; ignored, the write fails
    /// with EFBIG ("File too large"), which stops the run as fatal with the report and journal it has. The
    /// threads that write state files mostly block signals (dispatch's workers), so the run survived such a
    /// write only as long as no unblocked thread made one.
    public static func prepare() {
        for descriptor in STDIN_FILENO...STDERR_FILENO where fcntl(descriptor, F_GETFD) == -1 && errno == EBADF {
            // The lowest free descriptor is `descriptor` (the lower ones are open by now); dup2 covers the
            // case where it is not, rather than leaving it closed.
            let opened = open("/dev/null", O_RDWR)
            if opened >= 0, opened != descriptor {
                dup2(opened, descriptor)
                close(opened)
            }
        }
        signal(SIGPIPE, SIG_IGN)
        signal(SIGXFSZ, SIG_IGN)
    }
}
