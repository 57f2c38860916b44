import Foundation
import OSSProtocol
import Testing

@testable import OSSBatch

@Suite struct ReportTotalsTests {
    /// Job `n`'s outcome: every status, skip reason, copy and checkpoint in turn; the unchanged and copied
    /// ones only past `firstRare`, so that a part of a large report may have none of them.
    static func outcome(_ n: Int, key: String, firstRare: Int) -> JobOutcome {
        switch n % 7 {
        case 0: JobOutcome(key: key, status: .pending)
        case 1: JobOutcome(key: key, status: .succeeded, etag: "\"E\"", copiedFrom: n >= firstRare ? "old/\(n)" : nil)
        case 2: JobOutcome(key: key, status: .skipped, reason: n >= firstRare ? .unchanged : .unreadable)
        case 3: JobOutcome(key: key, status: .failed, error: JobError(code: "X", message: "x"))
        case 4: JobOutcome(key: key, status: .pending, uploadID: "u\(n)", checkpoint: "c\(n)")
        case 5: JobOutcome(key: key, status: .skipped, reason: .unreadable)
        default: JobOutcome(key: key, status: .succeeded, etag: "\"E\"")
        }
    }

    /// Counted in parts on all cores (a report this large), the totals are those of one count of every line:
    /// counts and byte sums added, and `unchanged` / `copied` absent only when no part has any.
    @Test(arguments: [(100_000, 0), (100_000, 90_000), (100_000, Int.max), (1_000, 0)])
    func totalsCountedInPartsAreThoseOfEveryLine(count: Int, firstRare: Int) {
        var jobs: [ReportJob] = []
        for n in 0..<count {
            let spec = UploadJob(
                source: "/data/\(n)",
                key: "k/\(n)",
                identity: SourceIdentity(size: Int64(n % 1_000), mtimeNanoseconds: 1, inode: UInt64(n), device: 1),
                options: ObjectOptions(),
                method: .put
            )
            jobs.append(ReportJob(spec: spec, outcome: Self.outcome(n, key: "k/\(n)", firstRare: firstRare)))
        }
        let plan = ReportStoreTests.plan(jobs: 0, dir: "/data/totals")
        var report = Report(plan: plan, planID: plan.planID, now: Date(timeIntervalSince1970: 1))
        report.jobs = jobs
        report.recomputeTotals()

        var expected = ReportTotals()
        var open = 0
        for job in jobs {
            expected.jobs += 1
            expected.bytes += job.spec.size
            switch job.status {
            case .succeeded:
                expected.succeeded += 1
                expected.bytesDone += job.spec.size
                if job.outcome.copiedFrom != nil { expected.copied = (expected.copied ?? 0) + 1 }
            case .skipped:
                expected.skipped += 1
                expected.bytesDone += job.spec.size
                if job.skipReason == .unchanged { expected.unchanged = (expected.unchanged ?? 0) + 1 }
            case .failed: expected.failed += 1
            case .pending: expected.pending += 1
            }
            if job.outcome.uploadID != nil && job.outcome.checkpoint != nil && job.status != .succeeded { open += 1 }
        }
        expected.openUploads = open
        #expect(report.totals == expected)
        #expect((report.totals.copied != nil) == (firstRare < count))
    }

    /// Totals as edited headers may hold them (`status` adds the shards' as read): every sum saturates, none
    /// traps.
    @Test func totalsNearTheirLimitsAddUpToTheLimitInsteadOfTrapping() {
        var edited = ReportTotals()
        (edited.jobs, edited.succeeded, edited.skipped, edited.failed, edited.pending) = (.max, .max, .max, .max, .max)
        (edited.bytes, edited.unchanged, edited.copied, edited.openUploads) = (.max, .max, .max, .max)
        let sum = edited.adding(edited)
        #expect(sum == edited)
        var small = ReportTotals()
        (small.jobs, small.unchanged) = (2, 1)
        #expect(small.adding(small).jobs == 4 && small.adding(small).unchanged == 2)
        #expect(small.adding(small).copied == nil)
    }
}
