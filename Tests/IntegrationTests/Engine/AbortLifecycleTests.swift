import Foundation
import LocalOSS
import OSSBatch
import OSSKit
import TestSupport
import Testing

/// Issue 13 item 3, with the real binary: `abort` is recorded, final, and touches only its own batch.
@Suite(.serialized)
struct AbortLifecycleTests {
    /// Runs the slow batch into `report` and interrupts it once parts are stored: checkpoints are left.
    static func interruptedRun(_ h: EngineHarness, manifest: String, report: String) async throws {
        let logStart = h.server.log.all.count
        let gate = h.hold()
        let process = try h.start(["run", manifest, "--report", report, "--progress-interval", "3600"])
        #expect(
            await h.waitUntil {
                h.server.log.all[logStart...].contains { $0.operation == .uploadPart && $0.status == 200 }
            }
        )
        await h.interrupt(process)
        h.server.faults.open(gate: gate)  // the parts in flight finish, as an interrupted run lets them
        let result = await process.wait()
        #expect(result.exitCode == 130, "\(result.stderr)")
    }

    @Test func abortIsRecordedAndResumeRefusesItUnlessForced() async throws {
        let h = try await EngineHarness.start("abort-final")
        defer { Task { await h.stop() } }
        let manifest = try StateLockTests.slowBatch(h)
        try await Self.interruptedRun(h, manifest: manifest, report: h.reportPath)
        #expect(try h.report().totals.openUploads ?? 0 > 0)

        let abort = try await h.ossbatch(["abort", h.reportPath])
        #expect(abort.exitCode == 0, "\(abort.stderr)")
        let aborted = try h.report()
        #expect(aborted.status == .aborted)
        #expect(aborted.runs.last?.command == "abort" && aborted.runs.last?.exitCode == 0)
        #expect(aborted.jobs.allSatisfy { $0.outcome.checkpoint == nil })
        #expect(aborted.totals.openUploads == 0)
        #expect(try await h.makeClient().listMultipartUploads(bucket: h.bucket, prefix: "").isEmpty)
        #expect(try FileManager.default.contentsOfDirectory(atPath: h.checkpointDir).isEmpty)

        // Parts of the interrupted run that the server was still delaying may be logged after the abort.
        let logStart = await h.settledLogCount()
        let refused = try await h.resume()
        #expect(refused.exitCode == 2, "\(refused.stderr)")
        #expect(refused.stderr.contains("--force"))
        #expect(h.server.log.all.count == logStart, "nothing sent")
        let recorded = try h.report()
        #expect(recorded.status == .aborted)
        #expect(recorded.runs.last?.command == "resume" && recorded.runs.last?.exitCode == 2)
        #expect(recorded.runs.last?.error?.code == "Aborted")

        h.server.faults.removeAll()
        let forced = try await h.resume(["--force"])
        #expect(forced.exitCode == 0, "\(forced.stderr)")
        #expect(try h.report().status == .succeeded)
        try h.expectAllStoredExactly()
    }

    @Test func anAbortStoppedBySIGTERMIsRecordedAndTheNextAbortFinishesIt() async throws {
        let h = try await EngineHarness.start("abort-sigterm")
        defer { Task { await h.stop() } }
        let manifest = try StateLockTests.slowBatch(h)
        try await Self.interruptedRun(h, manifest: manifest, report: h.reportPath)
        h.server.faults.removeAll()
        let open = h.server.openUploadIDs(bucket: h.bucket)
        #expect(open.count >= 2, "the interrupted run left \(open)")

        // The first AbortMultipartUpload is held; SIGTERM comes meanwhile (cron's timeout, a shutdown).
        h.server.faults.add(FaultRule(operation: .abortMultipartUpload, count: 1, action: .hold(gate: "abort")))
        let abort = try h.start(["abort", h.reportPath])
        #expect(await h.waitUntil(.seconds(120)) { h.server.faults.held(at: "abort") == 1 })
        abort.signal(SIGTERM)
        #expect(await abort.waitForStderr(containing: "SIGTERM: stopping", timeout: .seconds(30)))
        h.server.faults.open(gate: "abort")
        let stopped = await abort.wait(timeout: .seconds(120))
        #expect(stopped.exitCode == 143, "\(stopped.stdout)\(stopped.stderr)")
        #expect(stopped.stdout.contains("aborted 1 upload(s)") && stopped.stdout.contains("again"), "\(stopped.stdout)")
        let recorded = try h.report()
        #expect(recorded.status != .aborted)
        #expect(recorded.runs.last?.command == "abort" && recorded.runs.last?.exitCode == 143)
        #expect(recorded.runs.last?.status == .interrupted && recorded.runs.last?.error?.code == "Interrupted")
        #expect(h.server.openUploadIDs(bucket: h.bucket).count == open.count - 1)
        #expect(recorded.totals.openUploads == open.count - 1)

        let again = try await h.ossbatch(["abort", h.reportPath])
        #expect(again.exitCode == 0, "\(again.stderr)")
        #expect(try h.report().status == .aborted)
        #expect(h.server.openUploadIDs(bucket: h.bucket).isEmpty)
    }

    /// A second SIGTERM while the abort's request hangs cancels it and the stop is recorded: exit 143, a `runs`
    /// entry, no lock file left. Before, the second signal called `exit` on the signal's thread: no entry, the
    /// report's lock file left naming the abort, and the exit handlers raced libcurl (review of 572eea5).
    @Test func aSecondSignalDuringAnAbortEndsItRecordedAndLeavesNoLock() async throws {
        let h = try await EngineHarness.start("abort-second-signal")
        defer { Task { await h.stop() } }
        let manifest = try StateLockTests.slowBatch(h)
        try await Self.interruptedRun(h, manifest: manifest, report: h.reportPath)
        h.server.faults.removeAll()
        let runsBefore = try h.report().runs.count
        h.server.faults.add(FaultRule(operation: .abortMultipartUpload, count: nil, action: .hold(gate: "abort")))
        let abort = try h.start(["abort", h.reportPath])
        #expect(await h.waitUntil(.seconds(120)) { h.server.faults.held(at: "abort") == 1 })
        abort.signal(SIGTERM)
        #expect(await abort.waitForStderr(containing: "SIGTERM: stopping", timeout: .seconds(30)))
        abort.signal(SIGTERM)
        let stopped = await abort.wait(timeout: .seconds(60))
        h.server.faults.open(gate: "abort")
        #expect(stopped.exitCode == 143, "\(stopped.stdout)\(stopped.stderr)")
        let recorded = try h.report()
        #expect(recorded.runs.count == runsBefore + 1, "the abort's run is recorded")
        #expect(recorded.runs.last?.command == "abort" && recorded.runs.last?.exitCode == 143)
        #expect(!FileManager.default.fileExists(atPath: h.reportPath + ".lock"), "no lock file left")
    }

    @Test func abortOfAnOldReportDuringALiveRunOfTheManifestLeavesTheLiveRunUntouched() async throws {
        let h = try await EngineHarness.start("abort-old")
        defer { Task { await h.stop() } }
        let manifest = try StateLockTests.slowBatch(h, files: 4)
        let old = h.dir.path + "/old.json"
        let new = h.dir.path + "/new.json"
        try await Self.interruptedRun(h, manifest: manifest, report: old)

        let logStart = h.server.log.all.count
        let gate = h.hold()
        let live = try h.start(["run", manifest, "--report", new, "--progress-interval", "3600"])
        #expect(
            await h.waitUntil {
                h.server.log.all[logStart...].contains { $0.operation == .uploadPart && $0.status == 200 }
            }
        )
        let abort = try await h.ossbatch(["abort", old])
        // The keys the live run holds are left alone (exit 4, busy); the rest of the old batch is given up.
        #expect(abort.exitCode == 4 || abort.exitCode == 0, "\(abort.stderr)")
        h.server.faults.open(gate: gate)
        let result = await live.wait()
        #expect(result.exitCode == 0, "\(result.stderr)")
        let newReport = try ReportStore.load(new)
        #expect(newReport.jobs.allSatisfy { $0.outcome.status == .succeeded })
        let newUploads = Set(newReport.jobs.compactMap(\.outcome.uploadID))
        let abortedUploads = Set(
            h.server.log.all.filter { $0.operation == .abortMultipartUpload }.compactMap(\.uploadID)
        )
        #expect(newUploads.isDisjoint(with: abortedUploads), "abort of the old report aborted the live run's uploads")
        try h.expectAllStoredExactly()
        let oldReport = try ReportStore.load(old)
        #expect(oldReport.status == .aborted)
        #expect(oldReport.runs.last?.command == "abort")
    }

    @Test func abortLeavesAnUploadAnotherBatchTookOverAlone() async throws {
        let h = try await EngineHarness.start("abort-taken-over")
        defer { Task { await h.stop() } }
        let manifest = try StateLockTests.slowBatch(h, files: 2)
        let old = h.dir.path + "/old.json"
        let new = h.dir.path + "/new.json"
        try await Self.interruptedRun(h, manifest: manifest, report: old)
        let oldUploads = Set(CheckpointStore(directory: h.checkpointDir).all().map(\.checkpoint.uploadID))
        #expect(!oldUploads.isEmpty)
        // The next run of the manifest continues those uploads (takes them over), and is interrupted too.
        try await Self.interruptedRun(h, manifest: manifest, report: new)
        let taken = CheckpointStore(directory: h.checkpointDir).all().filter { $0.checkpoint.report == new }
        #expect(!taken.isEmpty)

        let abort = try await h.ossbatch(["abort", old])
        #expect(abort.exitCode == 0, "\(abort.stderr)")
        #expect(abort.stdout.contains("taken over by another batch"), "\(abort.stdout)")
        let open = Set(try await h.makeClient().listMultipartUploads(bucket: h.bucket, prefix: "").map(\.uploadID))
        for (_, checkpoint) in taken { #expect(open.contains(checkpoint.uploadID)) }

        h.server.faults.removeAll()
        let resumed = try await h.ossbatch(["resume", new, "--progress-interval", "3600"])
        #expect(resumed.exitCode == 0, "\(resumed.stderr)")
        let jobs = try ReportStore.load(new).jobs
        #expect(!jobs.contains { $0.outcome.warnings?.contains { $0.contains("NoSuchUpload") } == true })
        #expect(jobs.contains { ($0.outcome.partsReused ?? 0) > 0 })
        try h.expectAllStoredExactly()
    }
}
