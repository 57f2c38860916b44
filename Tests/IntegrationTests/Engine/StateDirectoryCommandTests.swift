import Foundation
import LocalOSS
import OSSBatch
import TestSupport
import Testing

/// Issue 15 item 4, with the real binary: without `--report` and `checkpoint_dir`, a batch's reports and
/// checkpoints go to its directory in the state directory, named by `name:`.
@Suite(.serialized)
struct StateDirectoryCommandTests {
    @Test func reportsAndCheckpointsGoToTheBatchsDirectoryNamedByName() async throws {
        let h = try await EngineHarness.start("state-dir")
        defer { Task { await h.stop() } }
        try h.writeFile("big.bin", size: 300_000, seed: 3)
        let manifest = try h.dir.write(
            "m.yaml",
            """
            version: 1
            name: web-backup
            target:
              endpoint: \(h.endpoint)
              region: local
              bucket: \(h.bucket)
              addressing: path
            upload:
              part_size: 100KiB
              multipart_threshold: 200KiB
            files:
              - source: src/
                key_prefix: data/

            """
        ).path
        h.server.faults.add(.failNth(1, .completeMultipartUpload, status: 400, code: .invalidPart))
        let run = try await h.ossbatch(["run", manifest, "--progress-interval", "3600"])
        #expect(run.exitCode == 1, "\(run.stderr)")
        let batch = h.stateDir + "/web-backup"
        let reports = try FileManager.default.contentsOfDirectory(atPath: batch + "/reports").filter {
            $0.hasSuffix(".json")
        }
        #expect(reports.count == 1 && reports[0].hasPrefix("ossbatch-report-"), "\(reports)")
        let report = batch + "/reports/" + reports[0]
        let job = try #require(try ReportStore.load(report).jobs.first)
        let checkpoint = try #require(job.outcome.checkpoint)
        #expect(checkpoint.hasPrefix(batch + "/checkpoints/"), "\(checkpoint)")
        #expect(FileManager.default.fileExists(atPath: checkpoint))
        for dir in [h.stateDir, batch + "/reports", batch + "/checkpoints"] {
            let mode = (try FileManager.default.attributesOfItem(atPath: dir)[.posixPermissions] as? Int) ?? 0
            #expect(mode & 0o077 == 0, "\(dir) is mode \(String(mode, radix: 8))")
        }
        #expect(!FileManager.default.fileExists(atPath: h.dir.path + "/state"), "nothing beside the manifest")

        let resumed = try await h.ossbatch(["resume", report])
        #expect(resumed.exitCode == 0, "\(resumed.stderr)")
        #expect(!FileManager.default.fileExists(atPath: checkpoint))
        try h.expectAllStoredExactly()
    }
}
