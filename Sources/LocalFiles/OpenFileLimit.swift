import Glibc

/// The process's limit on open descriptors (RLIMIT_NOFILE, `ulimit -n`).
public enum OpenFileLimit {
    /// Glibc's enum case, as the C functions take it.
    private static let resource = __rlimit_resource_t(RLIMIT_NOFILE.rawValue)

    /// The soft limit: how many descriptors the process may have open now.
    public static var current: Int {
        // RLIM_INFINITY is all ones (Swift does not import the macro).
        var limit = rlimit()
        guard getrlimit(resource, &limit) == 0 else { return Int.max }
        return limit.rlim_cur == rlim_t.max ? Int.max : Int(clamping: limit.rlim_cur)
    }

    /// Raises the soft limit to the hard one (no privilege needed) and returns the soft limit then in force.
    /// A login's soft limit is often 1,024 under a hard limit of a million: kept low for programs that use
    /// `select(2)`, which cannot watch a descriptor past 1,023. This process does not (libcurl polls, dispatch
    /// and SwiftNIO use epoll); Go's runtime raises it the same way.
    @discardableResult
    public static func raiseToHardLimit() -> Int {
        var limit = rlimit()
        if getrlimit(resource, &limit) == 0, limit.rlim_cur < limit.rlim_max {
            limit.rlim_cur = limit.rlim_max
            _ = setrlimit(resource, &limit)  // on failure the soft limit stays as it was
        }
        return current
    }
}
