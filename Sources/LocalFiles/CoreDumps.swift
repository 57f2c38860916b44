import Glibc

/// Core dumps of this process (RLIMIT_CORE, `ulimit -c`).
public enum CoreDumps {
    /// Makes a crash of this process leave no core file: its memory holds the AccessKey secret and the STS
    /// token, which a core dump (where `ulimit -c` allows one, or systemd-coredump keeps them) would write to
    /// disk. Soft and hard limit both go to 0, so nothing this process starts can raise them again.
    public static func disable() {
        var none = rlimit(rlim_cur: 0, rlim_max: 0)
        _ = setrlimit(__rlimit_resource_t(RLIMIT_CORE.rawValue), &none)  // best effort: a failure changes nothing
    }
}
