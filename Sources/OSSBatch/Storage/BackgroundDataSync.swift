import Dispatch
import Glibc
import Synchronization

/// `fdatasync` of a descriptor that is still being written, on a thread of its own, so that the disk makes
/// the first megabytes of a large state file durable while the rest is being made. The closing `fsync` of a
/// 50 MB report then waits for a few megabytes, not all fifty: on a virtual disk that stages writes in its
/// host's cache, it waited 75–85 ms for them even after `sync_file_range` had started their writeback
/// (2026-12-04).
///
/// A failure is kept and given back by `finish()`: the kernel reports a write-back error once per open file,
/// so an error this sync met would not reach the closing `fsync` on the same descriptor.
final class BackgroundDataSync: Sendable {
    private let fd: Int32
    private let group = DispatchGroup()
    private let state = Mutex(State())

    private struct State {
        var running = false
        /// The `errno` of the first sync that failed, or 0.
        var failure: Int32 = 0
    }

    /// One thread for every writer's syncs: each mostly waits for the disk, and two at once would share it.
    private static let queue = DispatchQueue(label: "ossbatch.background-data-sync")

    init(fd: Int32) { self.fd = fd }

    /// Starts a sync of everything written so far, unless one is still running (the next start takes in
    /// what this one would have).
    func start() {
        let starts = state.withLock { state in
            guard !state.running else { return false }
            state.running = true
            return true
        }
        guard starts else { return }
        Self.queue.async(group: group) { [self] in
            var result = fdatasync(fd)
            while result != 0 && errno == EINTR { result = fdatasync(fd) }
            let failure = result == 0 ? 0 : errno
            state.withLock { state in
                state.running = false
                if state.failure == 0 { state.failure = failure }
            }
        }
    }

    /// Waits for a running sync, and returns the `errno` of the first that failed (0: none did). Called before
    /// the descriptor is closed, on every path: a sync must never run on a closed, perhaps reused, descriptor.
    func finish() -> Int32 {
        group.wait()
        return state.withLock { $0.failure }
    }
}
