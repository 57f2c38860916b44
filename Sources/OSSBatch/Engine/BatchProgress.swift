import Synchronization

/// Live counters of a batch, read by the progress display.
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

    func finished(_ status: JobStatus, bytes: Int64) {
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
        }
    }

    func setBytesSent(_ n: Int64) { state.withLock { $0.bytesSent = n } }
}
