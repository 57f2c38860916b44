import Dispatch
import Foundation
import LocalFiles

/// The report of a batch: the plan it ran (so `resume` needs no manifest), the state of every job, and how
/// each run on it ended. Written atomically at the start and end of each run; in between, job outcomes are
/// appended to `<report>.journal`, and `ReportStore.load` folds them back in. On disk it is
/// `ossbatch-report/2` (`ReportFile`).
package struct Report: Sendable {
    package static let currentFormat = "ossbatch-report/2"

    package var status: RunStatus
    package var planID: String
    package var manifest: String
    package var target: Target
    package var upload: UploadSettings
    package var credentials: CredentialsSource?
    package var allowEmpty: Bool
    /// The shard of a batch this report runs (`--shard`), or `nil` for a whole batch.
    package var shard: ShardInfo?
    /// How the placeholders in the keys were resolved (`Plan.keyResolution`), or `nil` when no key has one.
    package var keyResolution: KeyResolution?
    package var createdAt: String
    package var updatedAt: String
    package var totals: ReportTotals
    /// The error that stopped the batch early (status `fatal`).
    package var fatalError: JobError?
    package var runs: [RunRecord]
    package var jobs: [ReportJob]

    /// A new report for `plan`: status `running`, every job `pending` but the files the plan skipped
    /// (`skipped`, with their reason: `resume` never tries them).
    package init(plan: Plan, planID: String, now: Date = Date()) {
        status = .running
        self.planID = planID
        manifest = plan.manifestPath
        target = plan.target
        upload = plan.upload
        credentials = plan.credentials
        allowEmpty = plan.allowEmpty
        shard = plan.shard
        keyResolution = plan.keyResolution
        createdAt = Timestamp.iso8601(now)
        updatedAt = createdAt
        totals = ReportTotals()
        fatalError = nil
        runs = []
        jobs = plan.skipped.isEmpty ? plan.jobs.map(ReportJob.init(pending:)) : Self.lines(of: plan)
        recomputeTotals()
    }

    /// The plan's lines in key order, the skipped files merged in (`PlanLines`), each job stored once.
    private static func lines(of plan: Plan) -> [ReportJob] {
        var lines: [ReportJob] = []
        lines.reserveCapacity(plan.jobs.count + plan.skipped.count)
        plan.lines.forEach(
            job: { lines.append(ReportJob(pending: $0)) },
            skipped: { lines.append(copy $0) }
        )
        return lines
    }

    /// The lines of a plan's jobs (`chunks`) and skipped files (`skipped`, at `positions` among the lines:
    /// `PlanLines.positions`) in order, in the skipped lines' own list: lengthened with placeholders
    /// (`UploadJob.placeholder`), then filled from the back, each skipped line moved to its place and each
    /// job taken off the end of its chunk (`popLast` moves when the caller alone holds the arrays). The
    /// unchanged filter leaves room for the jobs in that list; a night with a few changed files among many
    /// unchanged ones held a second list of every line beside it (2026-12-04). Without jobs to upload (a
    /// night of unchanged files), the skipped lines are the lines, handed over.
    private static func taking(
        _ chunks: inout [[UploadJob]],
        _ skipped: inout [ReportJob],
        at positions: [Int]
    ) -> [ReportJob] {
        var lines: [ReportJob] = []
        swap(&lines, &skipped)
        let total = chunks.reduce(lines.count) { $0 + $1.count }
        guard total > lines.count else { return lines }
        lines.reserveCapacity(total)
        // One at a time: `append(contentsOf: repeatElement(…))` copied each through the generic iterator.
        let fill = ReportJob(pending: .placeholder)
        for _ in lines.count..<total { lines.append(fill) }
        // Skipped line `k` is at `k` until moved: every place behind the line being filled is taken already.
        var k = positions.count - 1
        var c = chunks.count - 1
        for line in stride(from: total - 1, through: 0, by: -1) {
            // Swapped in: an assignment copied the new value and destroyed the original.
            if k >= 0 && positions[k] == line {
                if k != line {
                    // Both moved bitwise where they are (`Array.swapAt` copies each, retaining its strings).
                    var elements = lines.mutableSpan
                    elements.swapAt(k, line)
                }
                k -= 1
                continue
            }
            while c >= 0 && chunks[c].isEmpty {
                chunks[c] = []  // its buffer, emptied, goes now
                c -= 1
            }
            guard c >= 0, let job = chunks[c].popLast() else { break }
            var moved = ReportJob(pending: consume job)
            swap(&lines[line], &moved)
        }
        // Every line was filled: no placeholder may reach a report.
        precondition(k < 0 && chunks.allSatisfy(\.isEmpty), "a plan's lines out of order")
        return lines
    }

    /// A new report for `plan` with its plan ID, made from the plan, which it consumes. Without skipped files
    /// (a first upload), each chunk of jobs is hashed, laid out and freed in turn, so that the plan and the
    /// report are never both whole in memory (they were, at the start of a 1,000,000-file run: its peak).
    /// With skipped files (a night of unchanged ones, all of them skipped), the ID is hashed first and then
    /// every job moved into its line (the skipped files are lines already: `taking`).
    package init(consuming plan: consuming Plan, now: Date = Date()) {
        guard plan.skipped.isEmpty else {
            // Hashed first, then every line moved out of the plan into the report (`taking`). Laid out by copy
            // on one core while the other hashed, each job's strings and options were retained by the one and
            // read by the other, and released when the plan went: objects the walk made on other cores,
            // scattered in memory (a night of 200,000 unchanged files, perf, 2026-12-03: the copy and the
            // release took longer than the hash alone).
            let planID = plan.planID
            let positions = PlanLines.positions(of: plan.skipped, among: plan.jobs)
            var chunks = plan.jobs.chunks
            var skipped = plan.skipped
            plan.jobs = []
            plan.skipped = []
            let lines = Self.taking(&chunks, &skipped, at: positions)
            self.init(plan: plan, planID: planID, now: now)
            jobs = lines
            recomputeTotals()
            return
        }
        var chunks = plan.jobs.chunks
        plan.jobs = []
        var hasher = PlanIDHasher()
        var jobs: [ReportJob] = []
        // Pages of the reserve are touched only as jobs go in.
        jobs.reserveCapacity(chunks.reduce(0) { $0 + $1.count })
        var freed = 0
        for i in chunks.indices {
            for job in chunks[i] {
                hasher.add(job)
                jobs.append(ReportJob(pending: job))
            }
            freed += chunks[i].count
            chunks[i] = []
            // The freed chunks' pages go back to the system as the report grows, or the plan stays resident
            // beside it (measured: 366 bytes a job at 10,000,000 files without this).
            if freed >= Self.jobsFreedBetweenReleases {
                FreedMemory.release()
                freed = 0
            }
        }
        self.init(plan: plan, planID: hasher.finish(), now: now)
        self.jobs = jobs
        recomputeTotals()
    }

    /// How many of the plan's jobs a new report takes between handing freed memory back (each hand-back
    /// walks the allocator's free lists: a few milliseconds).
    static let jobsFreedBetweenReleases = 262_144

    /// A report as a file holds it.
    init(
        status: RunStatus,
        planID: String,
        manifest: String,
        target: Target,
        upload: UploadSettings,
        credentials: CredentialsSource?,
        allowEmpty: Bool,
        shard: ShardInfo? = nil,
        keyResolution: KeyResolution? = nil,
        createdAt: String,
        updatedAt: String,
        fatalError: JobError?,
        runs: [RunRecord],
        jobs: [ReportJob]
    ) {
        self.status = status
        self.planID = planID
        self.manifest = manifest
        self.target = target
        self.upload = upload
        self.credentials = credentials
        self.allowEmpty = allowEmpty
        self.shard = shard
        self.keyResolution = keyResolution
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.totals = ReportTotals()
        self.fatalError = fatalError
        self.runs = runs
        self.jobs = jobs
        recomputeTotals()
    }

    /// The plan this report runs, rebuilt from the report alone.
    package var plan: Plan {
        Plan(
            manifestPath: manifest,
            target: target,
            upload: upload,
            credentials: credentials,
            allowEmpty: allowEmpty,
            jobs: JobList(jobs.map(\.spec)),
            keyResolution: keyResolution,
            shard: shard
        )
    }

    /// Jobs skipped for a reason that leaves their file out of the bucket (unreadable, unlistable, unnameable,
    /// broken link, key too long, vanished):
    /// a batch with any exits 1 although nothing is left for `resume`.
    package var filesLeftBehind: Int {
        // The outcome's fields read where the list keeps them: through `status` and `reason` (computed), each
        // job was copied out first (perf, 2026-12-06).
        let jobs = jobs.span
        var count = 0
        for i in jobs.indices where Self.leftBehind(jobs[i].recorded.status, jobs[i].recorded.reason) { count += 1 }
        return count
    }

    /// Whether a job of this status and skip reason left its file out of the bucket (`filesLeftBehind`).
    package static func leftBehind(_ status: JobStatus, _ reason: SkipReason?) -> Bool {
        status == .skipped && reason?.leavesFileBehind == true
    }

    /// Counts the jobs again. Byte sums saturate at `Int64.max` rather than trap (a loaded report is checked
    /// for sums that overflow, `ReportValidation`; a source can still grow while a batch runs). A report of
    /// many jobs is counted in parts on all cores: on one, a night of 200,000 unchanged files counted them
    /// twice for 5 ms each while the other core waited (perf, 2026-12-06).
    package mutating func recomputeTotals() {
        let jobs = jobs
        let parts = DispatchQueue.ranges(splitting: jobs.count, serialBelow: 32_768)
        let counted = DispatchQueue.concurrentMap(iterations: parts.count) { Self.totals(of: jobs, parts[$0]) }
        totals = counted.dropFirst().reduce(counted[0]) { $0.adding($1) }
    }

    /// Whether `totals` are what `recomputeTotals` would count (for assertions: it counts every job).
    var totalsAreCurrent: Bool {
        var counted = self
        counted.recomputeTotals()
        return counted.totals == totals
    }

    /// The totals of `jobs[range]`.
    private static func totals(of jobs: [ReportJob], _ range: Range<Int>) -> ReportTotals {
        var t = ReportTotals()
        var open = 0
        // Each job's fields read where it is, through a span and stored properties: through the job's computed
        // `status`, `reason`, `isCopied` and `holdsOpenUpload`, each job was copied out first (perf, 2026-12-06).
        let jobs = jobs.span
        for i in range {
            let size = jobs[i].spec.identity.size
            let status = jobs[i].recorded.status
            t.jobs += 1
            t.bytes = t.bytes.saturatingAdd(size)
            switch status {
            case .succeeded:
                t.succeeded += 1
                t.bytesDone = t.bytesDone.saturatingAdd(size)
                if jobs[i].recorded.isCopied { t.copied = (t.copied ?? 0) + 1 }
            case .skipped:
                t.skipped += 1
                t.bytesDone = t.bytesDone.saturatingAdd(size)
                if jobs[i].recorded.reason == .unchanged { t.unchanged = (t.unchanged ?? 0) + 1 }
            case .failed: t.failed += 1
            case .pending: t.pending += 1
            }
            if jobs[i].recorded.holdsOpenUpload { open += 1 }
        }
        t.openUploads = open
        return t
    }
}

extension Report {
    /// The jobs whose status and skip reason pass `test`, in order. Read where they are kept: a caller in
    /// another module reading `jobs[i].status` copies each job out of the list to call the getter (a dozen
    /// references retained and released), which for 200,000 skipped jobs was a tenth of a nightly run.
    package func jobs(where test: (JobStatus, SkipReason?) -> Bool) -> [ReportJob] {
        var found: [ReportJob] = []
        // Through a span: the array's subscript copied each job out to read its two fields (perf, 2026-12-06).
        let lines = jobs.span
        for i in lines.indices where test(lines[i].recorded.status, lines[i].recorded.reason) {
            found.append(lines[i])
        }
        return found
    }
}

extension ReportJob {
    /// Whether this job's multipart upload may be open on OSS: it is unfinished and a checkpoint holds it.
    package var holdsOpenUpload: Bool { recorded.holdsOpenUpload }

    /// The outcome's status, read without making the outcome.
    package var status: JobStatus { recorded.status }
    /// The outcome's skip reason, read without making the outcome.
    package var reason: SkipReason? { recorded.reason }
    /// Whether the object was copied server-side, read without making the outcome.
    var isCopied: Bool { recorded.isCopied }
    /// Whether the outcome records the source's ctime (a confirmed job of a batch keeping the upload index),
    /// read without making the outcome.
    var recordsCtime: Bool { recorded.recordsCtime }

    /// Feeds the outcome but its key (the spec's) to `hasher`, without making the outcome.
    func hashOutcome(into hasher: inout Hasher) { hasher.combine(recorded) }
}

extension FixedWidthInteger {
    /// `self + other`, or `max` / `min` where that overflows.
    func saturatingAdd(_ other: Self) -> Self {
        let (sum, overflow) = addingReportingOverflow(other)
        return overflow ? (other > 0 ? .max : .min) : sum
    }
}
