import Dispatch

/// Where LocalOSS's accept loop and connection tasks run: threads of its own, not Swift's cooperative pool.
///
/// The cooperative pool has one thread per core (two on CI). The tests run LocalOSS in-process beside code
/// that blocks a pool thread until a child process exits (`Process.waitUntilExit`), and the child is
/// often an `ossbatch` or an SDK script talking to this LocalOSS: with both pool threads blocked that way, the
/// server could not answer, and each transfer waited out curl's 30 s low-speed limit. A private concurrent
/// queue targets Dispatch's overcommitting root queue, which adds a thread when its threads block.
final class ConnectionExecutor: TaskExecutor {
    static let shared = ConnectionExecutor()

    private let queue = DispatchQueue(label: "LocalOSS.connections", attributes: .concurrent)

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        let executor = asUnownedTaskExecutor()
        queue.async { job.runSynchronously(on: executor) }
    }
}
