import Foundation
import LocalFiles
import OSSProtocol
import Testing

@testable import OSSBatch

/// `Report(consuming:)`, the report `run` makes: the plan's lines and ID, whether the plan's chunks are laid
/// out and freed one by one (no skipped files) or the ID is hashed beside the layout (skipped files).
@Suite struct NewReportTests {
    /// `roomForJobs`: the skipped lines' list has room for every line, as the unchanged filter leaves it (the
    /// report lays the jobs out among the skipped lines in that list, without moving it).
    @Test(arguments: [0, 1, 3, 1_000], [false, true])
    func aReportMadeFromThePlanItConsumesHasThePlansLinesAndID(skippedEvery: Int, roomForJobs: Bool) {
        var plan = ReportStoreTests.plan(jobs: 3_000, dir: "/data/new-report")
        // In key order, as a planner's are (the lines merge the skipped files in by key).
        let all = plan.jobs.sorted { ByteOrder.precedes($0.key, $1.key) }
        // Three chunks, as a directory walk leaves them.
        let kept = skippedEvery == 0 ? all : all.enumerated().filter { $0.offset % skippedEvery != 0 }.map(\.element)
        plan.jobs = JobList(chunks: [
            Array(kept.prefix(1_000)), Array(kept.dropFirst(1_000).prefix(700)), Array(kept.dropFirst(1_700)),
        ])
        if skippedEvery > 0 {
            plan.skipped = all.enumerated().filter { $0.offset % skippedEvery == 0 }.map {
                ReportJob(skipped: $0.element, reason: .unchanged, etag: "\"E\"", crc64: UInt64($0.offset))
            }
            if roomForJobs { plan.skipped.reserveCapacity(all.count) }
        }
        let expected = Report(plan: plan, planID: plan.planID, now: Date(timeIntervalSince1970: 1))
        let made = Report(consuming: plan, now: Date(timeIntervalSince1970: 1))
        #expect(made.planID == expected.planID)
        #expect(made.jobs == expected.jobs)
        // In the order and with the outcomes of the plan's lines (`plan --json`'s).
        #expect(made.jobs == plan.lines.map { ReportJob(spec: $0.job, outcome: $0.outcome) })
        #expect(made.totals == expected.totals && made.jobs.count == 3_000)
        #expect(made.createdAt == expected.createdAt && made.manifest == expected.manifest)
    }
}
