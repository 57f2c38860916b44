import Glibc
import Synchronization

/// Descriptors 0, 1 and 2 for a process that nobody may be watching (cron, a service manager, a wrapper
/// script): closed by whoever started it, or writing into a full disk or a pipe whose reader is gone.
public enum StandardStreams {
    /// Opens `/dev/null` on each of descriptors 0, 1 and 2 that is closed, and ignores SIGPIPE. Call it first
    /// thing in `main`, before anything opens a file.
    ///
    /// A closed descriptor 1 or 2 is otherwise taken by the next file the process opens (an event descriptor,
    /// a source file, the report), and every log line is then written into that file. SIGPIPE would kill the
    /// process at its first line after a reader of stdout or stderr went away (`ossbatch run … | head`),
    /// with its report unfinished; ignored, such a write fails with EPIPE, which `StandardStreamWriter`
    /// handles like any other failed write. Ignoring it is safe for this process: it starts no children,
    /// which would inherit the setting, and libcurl asks the same of its callers.
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
    }
}

/// Writes to stdout or stderr and goes on when the write fails: the first failure is kept (its `errno`), and
/// what is written after it is dropped and counted. `FileHandle.write(_:)` traps on a failed write, so a full
/// log disk at 4 a.m. stopped a run in the middle, its report unfinished.
public final class StandardStreamWriter: Sendable {
    public let descriptor: Int32
    private let state = Mutex(State())

    private struct State {
        var failure: Int32?
        var dropped = 0
    }

    public init(_ descriptor: Int32) { self.descriptor = descriptor }

    /// Writes all of `bytes`, unless an earlier write failed; returns whether they were written. Writes are
    /// serialized: one caller's bytes are never mixed with another's.
    @discardableResult
    public func write<Bytes: Sequence>(_ bytes: Bytes) -> Bool where Bytes.Element == UInt8 {
        state.withLock { state in
            guard state.failure == nil else {
                state.dropped += 1
                return false
            }
            let failure = FileDescriptorWriter.writeAll(descriptor, bytes)
            guard failure == 0 else {
                state.failure = failure
                return false
            }
            return true
        }
    }

    /// The `errno` of the write that failed, if one did.
    public var failure: Int32? { state.withLock { $0.failure } }

    /// How many writes were dropped after the one that failed.
    public var dropped: Int { state.withLock { $0.dropped } }

    /// `failure` as the C library says it ("No space left on device"), if a write failed.
    public var failureReason: String? { failure.map { String(cString: strerror($0)) } }
}
