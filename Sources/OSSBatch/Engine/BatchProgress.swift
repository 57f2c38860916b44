import Synchronization

/// Live counters of a batch, read by the progress display.
public final class BatchProgress: Sendable {
    public struct Snapshot: Sendable {
        public var jobsTotal = 0
        public var jobsDone = 0
        public var jobsFailed = 0
        public var jobsSkipped = 0
        public var bytesTotal: Int64 = 0
        /// Bytes of jobs finished (succeeded or skipped), including those done by earlier runs.
        public var bytesDone: Int64 = 0
        /// Body bytes sent by this run (retries included).
        public var bytesSent: Int64 = 0
    }

    private let state = Mutex(Snapshot())

    public init() {}

    public var snapshot: Snapshot { state.withLock { $0 } }

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
