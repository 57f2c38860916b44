import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// Catches signals with a real handler that only writes the signal's number to a pipe (the self-pipe trick),
/// and hands them to a callback on a thread of its own.
///
/// Why not `DispatchSource.makeSignalSource`: it needs the signal set to `SIG_IGN` first and arms its source
/// later, on dispatch's own thread, so a signal that arrives in between is lost, and a `kill -INT` sent right
/// after start-up does nothing. `sigaction` installs the handler at once: from that call on, no signal is lost.
public enum SignalPipe {
    /// The pipe's write end, read by the handler. Set once, before any handler is installed, never changed:
    /// the handler only reads it.
    nonisolated(unsafe) private static var writeEnd: Int32 = -1
    private static let callbacks = Mutex<[Int32: @Sendable (Int32) -> Void]>([:])
    /// How many signals the reader has taken from the pipe, and the last one's number: counted whether a
    /// callback took them or they were ignored.
    private static let taken = Mutex<(count: Int, last: Int32)>((0, 0))
    private static let started = Mutex(false)

    /// How many signals of those ever installed have arrived (taken from the pipe, whether a callback took them
    /// or they were ignored), and the last one's number (0 before any): a command that runs one watcher after
    /// another (`resume --batch`) sees by it a signal that came between two, or too late for the one then.
    public static var signalsTaken: (count: Int, last: Int32) { taken.withLock { $0 } }

    /// Installs the handler for `signals` (unblocking them: a parent may have blocked them, and children inherit
    /// masks) and calls `onSignal` with the signal number, once per signal, on the pipe's reader thread.
    /// A later call for the same signal replaces its callback. Returns `signalsTaken` as the callback took
    /// over: the signals counted up to it went elsewhere (an earlier callback, or none).
    @discardableResult
    public static func install(
        _ signals: [Int32],
        onSignal: @escaping @Sendable (Int32) -> Void
    ) -> (count: Int, last: Int32) {
        let newReadEnd = openPipeIfNeeded()
        // Under the callbacks' lock, as the reader counts and looks up: no signal is counted on one side of
        // this and handed to the callback on the other.
        let takenBefore = callbacks.withLock { all in
            for sig in signals { all[sig] = onSignal }
            return taken.withLock { $0 }
        }
        var action = sigaction()
        action.__sigaction_handler.sa_handler = { sig in
            // Async-signal-safe only: write(2) of one byte, errno kept for the interrupted code.
            let saved = errno
            var byte = UInt8(truncatingIfNeeded: sig)
            _ = write(SignalPipe.writeEnd, &byte, 1)
            errno = saved
        }
        // SA_RESTART: the threads the signal lands on go on with their system calls.
        action.sa_flags = SA_RESTART
        sigemptyset(&action.sa_mask)
        for sig in signals { sigaction(sig, &action, nil) }
        // Only once the handler is in place: the reader thread does not block these signals, so one pending
        // since start-up is delivered as soon as it runs.
        if let newReadEnd { startReader(readEnd: newReadEnd, unblocking: signals) }
        var unblock = sigset_t()
        sigemptyset(&unblock)
        for sig in signals { sigaddset(&unblock, sig) }
        sigprocmask(SIG_UNBLOCK, &unblock, nil)
        return takenBefore
    }

    /// Whether `sig` is ignored, as the process may have inherited it (`nohup` ignores SIGHUP): a signal the
    /// process was started with ignored is the starter's choice, to be left as it is.
    public static func isIgnored(_ sig: Int32) -> Bool {
        var current = sigaction()
        guard sigaction(sig, nil, &current) == 0, let handler = current.__sigaction_handler.sa_handler else {
            return false
        }
        // A handler is a function pointer and SIG_IGN the value 1 as one: their bits compare the values.
        return unsafeBitCast(handler, to: Int.self) == unsafeBitCast(SIG_IGN, to: Int.self)
    }

    /// Stops calling the callback of `signals`; the handler stays, and such signals are then ignored.
    public static func ignore(_ signals: [Int32]) {
        callbacks.withLock { for sig in signals { $0[sig] = nil } }
    }

    /// Creates the pipe on first use; returns its read end then, nil later.
    private static func openPipeIfNeeded() -> Int32? {
        started.withLock { started -> Int32? in
            guard !started else { return nil }
            started = true
            var ends: [Int32] = [-1, -1]
            guard pipe(&ends) == 0 else { fatalError("pipe: \(String(cString: strerror(errno)))") }
            // Close-on-exec: no child (a callback's helper process) inherits the pipe.
            for end in ends { _ = fcntl(end, F_SETFD, FD_CLOEXEC) }
            writeEnd = ends[1]
            return ends[0]
        }
    }

    /// The thread that reads the pipe and calls the callbacks. It unblocks `signals` (those of the first
    /// `install`; a later one's new signals are unblocked by its caller's thread only): a process started by a
    /// parent that blocked SIGINT or SIGTERM (dispatch's worker threads block them, and children inherit the
    /// mask) has every other thread blocking them, and the kernel delivers a process's signal only to a
    /// thread that does not block it. A pool thread that unblocked them may exit; this one lives as long as
    /// the process. Other signals stay as they were (a SIGCHLD unblocked here could be taken from the
    /// `signalfd` that waits for it).
    private static func startReader(readEnd: Int32, unblocking signals: [Int32]) {
        let reader = Thread {
            var unblock = sigset_t()
            sigemptyset(&unblock)
            for sig in signals { sigaddset(&unblock, sig) }
            pthread_sigmask(SIG_UNBLOCK, &unblock, nil)
            var byte: UInt8 = 0
            while true {
                let n = read(readEnd, &byte, 1)
                if n < 0 && errno == EINTR { continue }
                guard n == 1 else { return }
                let sig = Int32(byte)
                let callback = callbacks.withLock { all in
                    taken.withLock { $0 = ($0.count + 1, sig) }
                    return all[sig]
                }
                callback?(sig)
            }
        }
        reader.name = "ossbatch.signals"
        reader.start()
    }
}
