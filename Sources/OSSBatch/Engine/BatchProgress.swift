import Synchronization

/// Live counters of a batch, read by the progress display and the metrics file.
package final class BatchProgress: Sendable {
    package struct Snapshot: Sendable {
        package var jobsTotal = 0
        package var jobsDone = 0
        package var jobsFailed = 0
        package var jobsSkipped = 0
        package var bytesTotal: Int64 = 0
        /// Bytes of jobs finished (succeeded or skipped), including those done by earlier runs.
        package var bytesDone: Int64 = 0
        /// Body bytes sent by this run (retries included).
        package var bytesSent: Int64 = 0
        /// What this run's jobs ended as so far, by status: files and their source bytes.
        package var thisRun: [JobStatus: (files: Int, bytes: Int64)] = [:]
        /// Requests this run sent again (the jobs that have ended so far).
        package var retries = 0
        /// Since when the requests are held because the service looks lost, while they are.
        package var heldSince: ContinuousClock.Instant?
        /// Since when the attempts are paced because the service throttles the batch, while they are.
        package var pacedSince: ContinuousClock.Instant?
    }

    private let state = Mutex(Snapshot())

    package init() {}

    package var snapshot: Snapshot { state.withLock { $0 } }

    func start(jobs: Int, bytes: Int64, alreadyDoneJobs: Int, alreadyDoneBytes: Int64) {
        state.withLock {
            $0.jobsTotal = jobs
            $0.bytesTotal = bytes
            $0.jobsDone = alreadyDoneJobs
            $0.bytesDone = alreadyDoneBytes
        }
    }

    func finished(_ status: JobStatus, bytes: Int64, retries: Int) {
        state.withLock { s in
            switch status {
            case .succeeded:
                s.jobsDone += 1
                s.bytesDone += bytes
            case .skipped:
                s.jobsDone += 1
                s.jobsSkipped += 1
                s.bytesDone += bytes
            case .failed: s.jobsFailed += 1
            case .pending: break
            }
            let sofar = s.thisRun[status] ?? (0, 0)
            s.thisRun[status] = (sofar.files + 1, sofar.bytes + bytes)
            s.retries += retries
        }
    }

    func setBytesSent(_ n: Int64) { state.withLock { $0.bytesSent = n } }

    func setHeld(since instant: ContinuousClock.Instant?) { state.withLock { $0.heldSince = instant } }

    func setPaced(since instant: ContinuousClock.Instant?) { state.withLock { $0.pacedSince = instant } }
}
