import Foundation
import OSSProtocol
import TestSupport
import Testing

@testable import OSSBatch

/// Files the plan skips: merged into the plan's lines and a new report in key order, written with their
/// `reason`, read back, and never `pending`.
struct SkippedLinesTests {
    static func job(_ key: String, dir: String = "/data") -> UploadJob {
        UploadJob(
            source: "\(dir)/\(key)",
            key: key,
            identity: SourceIdentity(size: 1, mtimeNanoseconds: 2, inode: 3, device: 4),
            options: ObjectOptions(),
            method: .put
        )
    }

    static func plan(jobs: [String], skipped: [(String, SkipReason)]) -> Plan {
        Plan(
            manifestPath: "/data/m.yaml",
            target: Target(
                endpoint: "http://127.0.0.1:9",
                region: "local",
                bucket: "skipped-bucket",
                signature: .v4,
                addressing: .path
            ),
            upload: UploadSettings(checkpointDir: "/data/cp"),
            credentials: nil,
            allowEmpty: false,
            jobs: JobList(chunks: [Array(jobs.prefix(2)).map { job($0) }, Array(jobs.dropFirst(2)).map { job($0) }]),
            skipped: skipped.map { ReportJob(skipped: job($0.0), reason: $0.1) }
        )
    }

    @Test func skippedFilesMergeIntoTheLinesInKeyOrder() {
        let plan = Self.plan(
            jobs: ["b", "d", "f", "h"],
            skipped: [("a", .unreadable), ("e/", .unlistable), ("z", .unreadable)]
        )
        let lines = plan.lines
        #expect(lines.map(\.job.key) == ["a", "b", "d", "e/", "f", "h", "z"])
        #expect(lines.indices.map { lines[$0].job.key } == ["a", "b", "d", "e/", "f", "h", "z"])
        #expect(lines.map(\.skipped) == [.unreadable, nil, nil, .unlistable, nil, nil, .unreadable])
        #expect(plan.totals.files == 4 && plan.totals.skipped == 3)
    }

    @Test func theSkippedFilesAreInThePlanID() {
        let without = Self.plan(jobs: ["b"], skipped: [])
        let with = Self.plan(jobs: ["b"], skipped: [("a", .unreadable)])
        #expect(without.planID != with.planID)
        #expect(
            without.planID
                == Plan(
                    manifestPath: without.manifestPath,
                    target: without.target,
                    upload: without.upload,
                    credentials: nil,
                    allowEmpty: false,
                    jobs: without.jobs
                ).planID
        )
    }

    @Test func aNewReportHasThemSkippedWithTheirReasonAndTheBatchExitsOne() throws {
        let dir = try TemporaryDirectory("skipped")
        defer { dir.remove() }
        let plan = Self.plan(jobs: ["b", "c"], skipped: [("a", .unreadable), ("d/", .unlistable)])
        var report = Report(plan: plan, planID: plan.planID)
        #expect(report.jobs.map(\.outcome.status) == [.skipped, .pending, .pending, .skipped])
        #expect(report.totals.skipped == 2 && report.totals.pending == 2)
        #expect(report.filesLeftBehind == 2)

        // Written with `reason`, read back the same; a journal line keeps its reason too.
        let path = dir.path + "/report.json"
        let store = try ReportStore.create(at: path)
        try store.write(report, keepingLines: true)
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(
            text.contains(
                "{\"key\":\"a\",\"dir\":0,\"size\":1,\"mtime_ns\":\"2\",\"inode\":\"3\",\"options\":0,\"status\":\"skipped\",\"reason\":\"unreadable\"}"
            )
        )
        try store.record(JobOutcome(key: "c", status: .skipped, reason: .vanished, warnings: ["gone"]))
        report.jobs[2].outcome = JobOutcome(key: "c", status: .skipped, reason: .vanished, warnings: ["gone"])
        let loaded = try ReportStore.load(path)
        #expect(loaded.jobs == report.jobs)
        #expect(loaded.filesLeftBehind == 3)

        // `if_exists: skip`'s skips leave nothing behind.
        report.jobs = report.jobs.map {
            var job = $0
            job.outcome = JobOutcome(key: job.spec.key, status: .skipped, reason: .identical)
            return job
        }
        #expect(report.filesLeftBehind == 0)
    }

    @Test func thePlanDocumentMarksSkippedLinesAsTheReportWill() throws {
        let plan = Self.plan(jobs: ["b"], skipped: [("a", .unreadable)])
        var bytes = Data()
        try PlanDocument(plan).write { bytes += $0 }
        let document = try #require(try JSONSerialization.jsonObject(with: bytes) as? [String: Any])
        let jobs = try #require(document["jobs"] as? [[String: Any]])
        #expect(jobs.map { $0["key"] as? String } == ["a", "b"])
        #expect(jobs[0]["status"] as? String == "skipped" && jobs[0]["reason"] as? String == "unreadable")
        #expect(jobs[1]["status"] == nil && jobs[1]["reason"] == nil)
        #expect((document["totals"] as? [String: Any])?["skipped"] as? Int == 1)
        #expect(document["plan_id"] as? String == plan.planID)
    }
}
