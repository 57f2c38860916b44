import Foundation
import OSSProtocol
import TestSupport
import Testing

@testable import OSSBatch

/// The report on disk: journal replay, and the final write that copies unchanged specs from the file.
struct ReportStoreTests {
    static func plan(jobs: Int, dir: String) -> Plan {
        let target = Target(
            endpoint: "http://127.0.0.1:9",
            region: "local",
            bucket: "b",
            signature: .v4,
            addressing: .path
        )
        let tricky = ObjectOptions(
            contentType: "text/plain",
            metadata: ["outcome": "x", ",\"outcome\":": "{\"spec\":1}"],
            tags: ["t": "v"]
        )
        var list: [UploadJob] = []
        for i in 0..<jobs {
            let identity = SourceIdentity(size: Int64(i), mtimeNanoseconds: 1, inode: UInt64(i), device: 1)
            let options: ObjectOptions = i % 2 == 0 ? tricky : ObjectOptions()
            let method: UploadMethod = i % 3 == 0 ? .multipart(PartPlan(partSize: 102_400, partCount: 2)) : .put
            list.append(
                UploadJob(source: "\(dir)/f\(i)", key: "k/\(i)", identity: identity, options: options, method: method)
            )
        }
        return Plan(
            manifestPath: "\(dir)/m.yaml",
            target: target,
            upload: UploadSettings(checkpointDir: "\(dir)/cp"),
            credentials: nil,
            allowEmpty: false,
            jobs: JobList(list)
        )
    }

    @Test func finalWriteCopyingUnchangedSpecsEqualsAFullEncoding() throws {
        let dir = try TemporaryDirectory("report")
        defer { dir.remove() }
        let path = dir.path + "/report.json"
        var report = Report(plan: ReportStoreTests.plan(jobs: 7, dir: dir.path), planID: "id")
        let store = try ReportStore.create(at: path)
        try store.write(report)
        for i in report.jobs.indices {
            report.jobs[i].outcome.status = i == 4 ? .failed : .succeeded
            report.jobs[i].outcome.etag = "\"E\(i)\""
            report.jobs[i].outcome.error = i == 4 ? JobError(code: "X", message: "m \"quoted\", \"outcome\":") : nil
        }
        report.jobs[3].spec.identity.size = 999  // the source changed during the run
        report.jobs[3].spec.method = .put
        report.recomputeTotals()
        try store.write(report, changedSpecs: [3])
        let loaded = try ReportStore.load(path)
        #expect(loaded.jobs == report.jobs)
        #expect(loaded.totals == report.totals)
        // And it is the same document a full encoding gives.
        let full = dir.path + "/full.json"
        try ReportStore.create(at: full).write(report)
        #expect(try ReportStore.load(full).jobs == loaded.jobs)
    }

    @Test func loadingLineByLineGivesWhatDecodingTheWholeFileGives() throws {
        let dir = try TemporaryDirectory("report")
        defer { dir.remove() }
        let path = dir.path + "/report.json"
        var report = Report(plan: ReportStoreTests.plan(jobs: 9, dir: dir.path), planID: "id")
        report.jobs[2].outcome.error = JobError(code: "X", message: "line\nbreak, \"jobs\":[ ]")
        try ReportStore.create(at: path).write(report)
        let streamed = try #require(try ReportStore.decodeLineByLine(path))
        let whole = try JSONDecoder().decode(Report.self, from: Data(contentsOf: URL(fileURLWithPath: path)))
        #expect(streamed.jobs == whole.jobs && streamed.totals == whole.totals && streamed.runs == whole.runs)
        #expect(
            streamed.planID == whole.planID && streamed.status == whole.status && streamed.createdAt == whole.createdAt
        )
        #expect(streamed.jobs.count == 9)
        // No jobs at all is laid out the same way.
        let empty = dir.path + "/empty.json"
        try ReportStore.create(at: empty).write(
            Report(plan: ReportStoreTests.plan(jobs: 0, dir: dir.path), planID: "id")
        )
        #expect(try #require(try ReportStore.decodeLineByLine(empty)).jobs.isEmpty)
    }

    @Test func aLargeReportDecodedInParallelBatchesKeepsItsJobsInOrder() throws {
        // 9,000 jobs: two full batches of 4,096 lines and a partial one, each shared out among the cores.
        let dir = try TemporaryDirectory("report")
        defer { dir.remove() }
        let path = dir.path + "/report.json"
        var report = Report(plan: ReportStoreTests.plan(jobs: 9000, dir: dir.path), planID: "id")
        report.jobs[5000].outcome.status = .failed
        try ReportStore.create(at: path).write(report)
        let streamed = try #require(try ReportStore.decodeLineByLine(path))
        #expect(streamed.jobs == report.jobs)
        // A damaged line in the middle of a batch is an error, not a shorter job list.
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let damaged = text.replacingOccurrences(of: "\"key\":\"k/6000\"", with: "\"key\":k/6000\"")
        #expect(damaged != text)
        try damaged.write(toFile: path, atomically: true, encoding: .utf8)
        #expect(throws: (any Error).self) { try ReportStore.decodeLineByLine(path) }
    }

    @Test func aReportReformattedByAToolStillLoads() throws {
        let dir = try TemporaryDirectory("report")
        defer { dir.remove() }
        let path = dir.path + "/report.json"
        let report = Report(plan: ReportStoreTests.plan(jobs: 4, dir: dir.path), planID: "id")
        try ReportStore.create(at: path).write(report)
        // What `jq . report.json > tmp && mv tmp report.json` would leave.
        let object = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path)))
        try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted]).write(
            to: URL(fileURLWithPath: path)
        )
        #expect(try ReportStore.decodeLineByLine(path) == nil)
        #expect(try ReportStore.load(path).jobs == report.jobs)
        #expect(throws: ReportLoadError.self) { try ReportStore.load(dir.path + "/missing.json") }
    }

    @Test func journalLinesAfterTheReportWinAndATornLastLineIsIgnored() throws {
        let dir = try TemporaryDirectory("journal")
        defer { dir.remove() }
        let path = dir.path + "/report.json"
        let report = Report(plan: ReportStoreTests.plan(jobs: 3, dir: dir.path), planID: "id")
        let store = try ReportStore.create(at: path)
        try store.write(report)
        try store.record(
            JobOutcome(key: "k/1", status: .failed, method: .put, error: JobError(code: "A", message: "a"))
        )
        try store.record(JobOutcome(key: "k/1", status: .succeeded, method: .put, etag: "\"E\""))
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: store.journalPath))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data("{\"outcome\":{\"key\":\"k/2\",\"sta".utf8))  // killed mid-write
        try handle.close()
        let loaded = try ReportStore.load(path)
        #expect(loaded.jobs[1].outcome.status == .succeeded)
        #expect(loaded.jobs[2].outcome.status == .pending)
        #expect(loaded.totals.succeeded == 1 && loaded.totals.pending == 2)
    }
}
