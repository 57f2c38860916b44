import Glibc

/// Whether this process may start as many threads as it needs (RLIMIT_NPROC, `ulimit -u`, which counts every
/// thread of every process of the user). Below that the Swift runtime and dispatch wait for a thread they can
/// never start, for ever: a run hung holding its batch's lock, deaf to SIGTERM, and every later cron start of
/// the batch exited busy (audit of 49872c5, `ulimit -u 5`). Asked once, before anything else.
public enum ThreadHeadroom {
    /// Whether `count` threads can run at once beside this process's own: each is started, waits until all
    /// are, and ends; none runs any code of the program.
    public static func allows(_ count: Int) -> Bool {
        var ends: [Int32] = [-1, -1]
        // Without a pipe (or with its read end on descriptor 0, which the threads' argument cannot carry):
        // nothing is known, and the command goes on as before.
        guard pipe(&ends) == 0 else { return true }
        defer { close(ends[0]) }
        guard ends[0] > 0 else {
            close(ends[1])
            return true
        }
        var attributes = pthread_attr_t()
        pthread_attr_init(&attributes)
        defer { pthread_attr_destroy(&attributes) }
        // Small stacks: what is measured is the count, not the memory (an 8 MiB stack each would fail first
        // under a small `ulimit -v`, for another reason than the one asked about).
        pthread_attr_setstacksize(&attributes, 64 * 1024)
        var started: [pthread_t] = []
        for _ in 0..<count {
            var thread = pthread_t()
            // Safe: the argument is not a pointer to memory but the pipe's read end carried as its bit
            // pattern (never 0: checked above); the thread only reads one byte from it, which returns once
            // the write end is closed below, and touches nothing else.
            let rc = pthread_create(
                &thread,
                &attributes,
                { argument in
                    var byte: UInt8 = 0
                    _ = read(Int32(Int(bitPattern: argument)), &byte, 1)
                    return nil
                },
                UnsafeMutableRawPointer(bitPattern: Int(ends[0]))
            )
            guard rc == 0 else { break }
            started.append(thread)
        }
        close(ends[1])
        for thread in started { pthread_join(thread, nil) }
        return started.count == count
    }
}
