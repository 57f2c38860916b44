import Foundation
import TestSupport
import Testing

@testable import OSSBatch

/// Which uploads the checkpoints in a state directory hold for `ossbatch uploads --abort`, when no process is
/// involved: a checkpoint of an unfinished batch holds its upload, one whose report is gone or finished holds
/// nothing (its upload is a stray), one that names no report (format 1) holds its upload.
@Suite struct UploadHoldsTests {
    static func checkpoint(_ uploadID: String, key: String, report: String?) -> Checkpoint {
        Checkpoint(
            bucket: "b",
            key: key,
            source: "/data/\(key)",
            identity: SourceIdentity(size: 250_000, mtimeNanoseconds: 1, inode: 7, device: 9),
            partPlan: PartPlan(partSize: 102_400, partCount: 3),
            uploadID: uploadID,
            report: report
        )
    }

    @Test func checkpointsHoldTheirUploadWhileTheirReportIsUnfinishedAndNotAfter() throws {
        let dir = try TemporaryDirectory("holds")
        defer { dir.remove() }
        let state = StateDirectory(path: dir.path + "/state")
        let checkpoints = CheckpointStore(directory: state.checkpoints(batch: "nightly"))
        try checkpoints.prepare()
        // An interrupted report, and a finished one.
        let unfinished = dir.path + "/interrupted.json"
        let finished = dir.path + "/succeeded.json"
        let plan = Plan(
            manifestPath: dir.path + "/m.yaml",
            target: Target(endpoint: "http://127.0.0.1:1", region: "r", bucket: "b", signature: .v4, addressing: .path),
            upload: UploadSettings(),
            credentials: nil,
            allowEmpty: true,
            jobs: JobList([])
        )
        for (path, status) in [(unfinished, RunStatus.interrupted), (finished, .succeeded)] {
            var report = Report(plan: plan, planID: "p")
            report.status = status
            try ReportStore.create(at: path).write(report)
        }
        for (id, report) in [
            ("HELD", unfinished as String?), ("DONE", finished), ("GONE", dir.path + "/deleted.json"), ("OLD", nil),
        ] {
            let c = Self.checkpoint(id, key: "k-\(id)", report: report)
            try checkpoints.save(c, to: checkpoints.path(bucket: "b", key: c.key, source: c.source))
        }
        let holds = UploadHolds.scan(state: state).byUploadID
        #expect(holds["HELD"]?.reason == .resumableBatch && holds["HELD"]?.report == unfinished)
        #expect(holds["HELD"]?.explanation.contains("'ossbatch resume \(unfinished)'") == true)
        #expect(holds["DONE"] == nil, "a finished batch's checkpoint holds nothing")
        #expect(holds["GONE"] == nil, "a checkpoint whose report is gone holds nothing")
        #expect(holds["OLD"]?.reason == .unownedCheckpoint)
        #expect(holds.count == 2)
    }
}
