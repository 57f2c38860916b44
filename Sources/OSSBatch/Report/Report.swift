import Foundation

/// How a run (or the latest resume) ended, as the report's top-level `status` says.
public enum RunStatus: String, Sendable, Codable, Hashable {
    /// The run is in progress, or was killed before it could say otherwise (`resume` finishes it).
    case running
    /// Every job succeeded or was skipped.
    case succeeded
    /// The run finished; some jobs failed.
    case failed
    /// Stopped by SIGINT/SIGTERM; the unfinished jobs are `pending`.
    case interrupted
    /// Stopped early by an error that fails every request (bad credentials, missing bucket, access denied).
    case fatal
}

/// One invocation of `run` or `resume` on this report.
public struct RunRecord: Sendable, Codable, Hashable {
    public var command: String
    public var startedAt: String
    public var finishedAt: String?
    public var status: RunStatus
    public var exitCode: Int32?
}

/// Counts over the report's jobs.
public struct ReportTotals: Sendable, Codable, Hashable {
    public var jobs = 0
    public var succeeded = 0
    public var skipped = 0
    public var failed = 0
    public var pending = 0
    public var bytes: Int64 = 0
    /// Bytes of jobs that succeeded or were skipped.
    public var bytesDone: Int64 = 0
}

/// One job in the report: what was planned and what happened.
public struct ReportJob: Sendable, Codable, Hashable {
    public var spec: UploadJob
    public var outcome: JobOutcome
}

/// The JSON report of a batch: the plan it ran (so `resume` needs no manifest), the state of every job, and how
/// each run on it ended. Written atomically at the start and end of each run; in between, job outcomes are
/// appended to `<report>.journal`, and `ReportStore.load` folds them back in.
public struct Report: Sendable, Codable {
    public static let currentFormat = "ossbatch-report/1"

    public var format: String
    public var status: RunStatus
    public var planID: String
    public var manifest: String
    public var target: Target
    public var upload: UploadSettings
    public var credentials: CredentialsSource?
    public var allowEmpty: Bool
    public var createdAt: String
    public var updatedAt: String
    public var totals: ReportTotals
    /// The error that stopped the batch early (status `fatal`).
    public var fatalError: JobError?
    public var runs: [RunRecord]
    public var jobs: [ReportJob]

    /// A new report for `plan`: status `running`, every job `pending`.
    public init(plan: Plan, planID: String, now: Date = Date()) {
        format = Report.currentFormat
        status = .running
        self.planID = planID
        manifest = plan.manifestPath
        target = plan.target
        upload = plan.upload
        credentials = plan.credentials
        allowEmpty = plan.allowEmpty
        createdAt = Timestamp.iso8601(now)
        updatedAt = createdAt
        totals = ReportTotals()
        fatalError = nil
        runs = []
        jobs = plan.jobs.map { job in
            ReportJob(spec: job, outcome: JobOutcome(key: job.key, status: .pending, method: job.methodName))
        }
        recomputeTotals()
    }

    /// The plan this report runs, rebuilt from the report alone.
    public var plan: Plan {
        Plan(
            manifestPath: manifest,
            target: target,
            upload: upload,
            credentials: credentials,
            allowEmpty: allowEmpty,
            jobs: JobList(jobs.map(\.spec))
        )
    }

    public mutating func recomputeTotals() {
        var t = ReportTotals()
        for job in jobs {
            t.jobs += 1
            t.bytes += job.spec.size
            switch job.outcome.status {
            case .succeeded:
                t.succeeded += 1
                t.bytesDone += job.spec.size
            case .skipped:
                t.skipped += 1
                t.bytesDone += job.spec.size
            case .failed: t.failed += 1
            case .pending: t.pending += 1
            }
        }
        totals = t
    }
}

extension UploadJob {
    var methodName: UploadMethodName {
        if case .multipart = method { return .multipart }
        return .put
    }
}

/// Report time stamps: ISO-8601 UTC with milliseconds.
enum Timestamp {
    private static let withFraction = Date.ISO8601FormatStyle.iso8601.year().month().day().dateSeparator(.dash)
        .time(includingFractionalSeconds: true).timeSeparator(.colon).timeZone(separator: .omitted)

    static func iso8601(_ date: Date = Date()) -> String { date.formatted(withFraction) }

    /// An ISO 8601 time as OSS writes it (`2026-11-25T22:00:00.000Z`), with or without fractional seconds.
    static func parse(_ text: String) -> Date? {
        (try? withFraction.parse(text)) ?? (try? Date.ISO8601FormatStyle().parse(text))
    }
}
