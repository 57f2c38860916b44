import Foundation
import LocalOSS
import OSSBatch
import OSSKit
import OSSProtocol
import TestSupport
import Testing

/// Killed, interrupted and damaged runs, and `ossbatch resume`.
@Suite(.serialized)
struct EngineResumeTests {
    /// (upload id, part number) of every part the checkpoints on disk have recorded.
    static func recordedParts(in dir: String) -> Set<String> {
        let store = CheckpointStore(directory: dir)
        var parts = Set<String>()
        for (_, checkpoint) in store.all() {
            for part in checkpoint.parts { parts.insert("\(checkpoint.uploadID)#\(part.number)") }
        }
        return parts
    }

    /// The uploads whose checkpoints say `completing`: written just before CompleteMultipartUpload is sent,
    /// so with the server holding Completes, a new one means a Complete is in flight.
    static func completing(_ dir: String) -> Set<String> {
        Set(CheckpointStore(directory: dir).all().filter(\.checkpoint.completing).map(\.checkpoint.uploadID))
    }

    @Test func killNineAtRandomMomentsThenResumeNeverResendsARecordedPartAndEndsExact() async throws {
        let h = try await EngineHarness.start("kill9")
        defer { Task { await h.stop() } }
        for i in 0..<8 { try h.writeFile("big-\(i).bin", size: 6_000_000 + i * 333_333, seed: UInt64(i + 1)) }
        for i in 0..<30 { try h.writeFile("small/s\(i).txt", size: 2000 + i, seed: UInt64(40 + i)) }
        // Slow parts so that kills land mid-upload; slow completes so that one kill lands inside a Complete.
        h.server.faults.add(FaultRule(operation: .uploadPart, count: nil, action: .delay(milliseconds: 100)))
        h.server.faults.add(
            FaultRule(operation: .completeMultipartUpload, count: nil, action: .delay(milliseconds: 700))
        )
        let manifest = try h.writeManifest(upload: [
            "concurrency: 4", "files_in_flight: 2", "part_size: 128KiB",
            "multipart_threshold: 1MiB",
        ])
        var generator = SeededRandom()
        // Each process's window of arrivals and the parts recorded when it started, checked once more at the
        // end: a killed process's last parts are logged after their delay, which may be after the check of
        // its window below.
        var windows: [(from: Int, recorded: Set<String>)] = []
        func resends(from start: Int, before end: Int = .max, of recorded: Set<String>) -> [OperationLogEntry] {
            h.server.log.all.filter {
                (start..<end).contains($0.arrival) && $0.operation == .uploadPart && $0.status < 300
                    && recorded.contains("\($0.uploadID ?? "")#\($0.partNumber ?? 0)")
            }
        }
        var kills = 0
        var killedDuringComplete = false
        var first = true
        while kills < 12 {
            let recorded = EngineResumeTests.recordedParts(in: h.checkpointDir)
            // Requests that arrive from here on are this process's: a killed process's last parts are stored
            // and then delayed (the fault) before they are logged, so on a busy machine their entries can be
            // appended after the next process began, or the one after, once those found them by ListParts
            // and recorded them (CI of a2fd65e: parts 1–4 of an upload "sent again").
            let arrivedBefore = h.server.log.arrived
            windows.append((arrivedBefore, recorded))
            let args = first ? ["run", manifest, "--report", h.reportPath] : ["resume", h.reportPath]
            // One kill lands while a Complete is in flight: this process's Completes are held (done at the
            // server, unanswered) until it is killed, so its first one is surely in flight when the checkpoint
            // says `completing` (polling for the 700 ms window instead let a starved test miss it and the
            // process run to the end of the batch). Random moments for the other kills.
            let completes = !killedDuringComplete && kills >= 3 ? h.hold(.completeMultipartUpload, after: 0) : nil
            // Uploads an earlier kill left `completing`: this process's own Complete is another one.
            let completingBefore = EngineResumeTests.completing(h.checkpointDir)
            let process = try h.start(args + ["--progress-interval", "3600"])
            if completes != nil {
                let deadline = ContinuousClock.now + .seconds(60)
                func newComplete() -> Bool {
                    !EngineResumeTests.completing(h.checkpointDir).isSubset(of: completingBefore)
                }
                while ContinuousClock.now < deadline {
                    if newComplete() || !process.process.isRunning { break }
                    try await Task.sleep(for: .milliseconds(10))
                }
                killedDuringComplete = newComplete()
                process.signal(SIGKILL)
            } else {
                // Timed apart from this task (`signal(_:after:once:)`): its own sleep, kept waiting by the tests
                // beside it, once let the batch run to its end after four kills. The first run's kill waits for
                // its report: a kill while a loaded machine still plans would leave nothing to resume.
                let reportPath = h.reportPath
                let waitForReport = first
                process.signal(
                    SIGKILL,
                    after: .milliseconds(Int.random(in: 100...600, using: &generator)),
                    once: { !waitForReport || FileManager.default.fileExists(atPath: reportPath) }
                )
            }
            first = false
            let result = await process.wait()
            if let completes { h.server.faults.open(gate: completes) }  // its held Completes answer no one
            let resent = resends(from: arrivedBefore, of: recorded)
            #expect(
                resent.isEmpty,
                "parts recorded in a checkpoint were sent again: \(resent.map { "\($0.key ?? "") #\($0.partNumber ?? 0)" }) (\(generator))"
            )
            if !result.signaled {
                // Finished before the kill: then the batch is done, or the process says why it stopped.
                #expect(result.exitCode == 0, "ended before the kill: \(result.stderr)")
                break
            }
            kills += 1
        }
        #expect(kills >= 10)
        #expect(killedDuringComplete, "one kill should land while a CompleteMultipartUpload is in flight")
        h.server.faults.removeAll()
        windows.append((h.server.log.arrived, EngineResumeTests.recordedParts(in: h.checkpointDir)))
        let final = try await h.resume()
        #expect(final.exitCode == 0, "\(final.stderr)")
        // Every window again, now that every part any process sent has been logged.
        for (i, window) in windows.enumerated() {
            let end = i + 1 < windows.count ? windows[i + 1].from : .max
            let resent = resends(from: window.from, before: end, of: window.recorded)
            #expect(resent.isEmpty, "process \(i) sent recorded parts again: \(resent) (\(generator))")
        }
        #expect(try h.report().status == .succeeded)
        try h.expectAllStoredExactly()
        h.expectNoSecrets(in: [final.stdout, final.stderr])
    }

    /// Runs until at least one checkpoint has parts, then kills the process. The rest of the parts are held
    /// until the kill: a run left to go on finished (and deleted its checkpoints) whenever the test's task
    /// waited a second or two for a thread.
    /// Starts `run`, kills it (SIGKILL) once a checkpoint records a part, and returns its pid.
    @discardableResult
    static func killMidUpload(_ h: EngineHarness, manifest: String) async throws -> Int32 {
        let gate = h.holdAfterACheckpoint()
        let process = try h.start(["run", manifest, "--report", h.reportPath])
        #expect(await h.waitUntil(.seconds(120)) { !recordedParts(in: h.checkpointDir).isEmpty })
        process.signal(SIGKILL)
        _ = await process.wait()
        h.server.faults.open(gate: gate)  // its held parts answer no one
        h.server.faults.removeAll()
        #expect(!recordedParts(in: h.checkpointDir).isEmpty, "the run should have checkpointed some parts")
        return process.pid
    }

    static func multipartManifest(_ h: EngineHarness) throws -> String {
        try h.writeManifest(upload: ["concurrency: 2", "part_size: 128KiB", "multipart_threshold: 1MiB"])
    }

    @Test func resumeAfterTheUploadVanishedStartsAFreshUpload() async throws {
        let h = try await EngineHarness.start("nosuchupload")
        defer { Task { await h.stop() } }
        try h.writeFile("big.bin", size: 4_000_000, seed: 1)
        try await EngineResumeTests.killMidUpload(h, manifest: try EngineResumeTests.multipartManifest(h))
        // Someone (a lifecycle rule, ossutil) aborts the upload behind our back.
        let client = h.makeClient()
        for (_, checkpoint) in CheckpointStore(directory: h.checkpointDir).all() {
            try await client.abortMultipartUpload(bucket: h.bucket, key: checkpoint.key, uploadID: checkpoint.uploadID)
        }
        let result = try await h.resume()
        #expect(result.exitCode == 0, "\(result.stderr)")
        let job = try #require(try h.report().jobs.first)
        #expect(job.outcome.warnings?.contains { $0.contains("NoSuchUpload") } == true)
        try h.expectAllStoredExactly()
    }

    /// A file truncated under the multipart threshold between the killed run and its resume (`copytruncate`):
    /// sent by PutObject, and its earlier version's upload aborted and checkpoint removed. Both stayed for good:
    /// the job succeeded, `status` counted no open upload, and OSS billed the parts (review of e4ab55a).
    @Test func aFileNowUnderTheThresholdGivesUpItsEarlierVersionsUpload() async throws {
        let h = try await EngineHarness.start("shrunk-to-put")
        defer { Task { await h.stop() } }
        let big = try h.writeFile("big.bin", size: 4_000_000, seed: 1)
        try await EngineResumeTests.killMidUpload(h, manifest: try EngineResumeTests.multipartManifest(h))
        let (_, checkpoint) = try #require(CheckpointStore(directory: h.checkpointDir).all().first)
        #expect(truncate(big.path, 10_000) == 0)
        let result = try await h.resume()
        #expect(result.exitCode == 0, "\(result.stderr)")
        try h.expectAllStoredExactly()
        #expect(try await h.makeClient().listMultipartUploads(bucket: h.bucket, prefix: "").isEmpty)
        #expect(
            h.server.log.all.contains { $0.operation == .abortMultipartUpload && $0.uploadID == checkpoint.uploadID }
        )
        #expect(CheckpointStore(directory: h.checkpointDir).all().isEmpty)
    }

    @Test func corruptCheckpointIsDiscardedWithAWarningItsUploadAbortedAndTheJobRestarts() async throws {
        let h = try await EngineHarness.start("corrupt")
        defer { Task { await h.stop() } }
        try h.writeFile("big.bin", size: 4_000_000, seed: 2)
        try await EngineResumeTests.killMidUpload(h, manifest: try EngineResumeTests.multipartManifest(h))
        let store = CheckpointStore(directory: h.checkpointDir)
        let (path, checkpoint) = try #require(store.all().first)
        // Flip a digit inside the recorded parts: still JSON, but the checksum no longer matches.
        var text = try String(contentsOfFile: path, encoding: .utf8)
        let range = try #require(text.range(of: "\"size\":"))
        text.replaceSubrange(range, with: "\"size\":9")
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        let result = try await h.resume()
        #expect(result.exitCode == 0, "\(result.stderr)")
        #expect(result.stderr.contains("corrupt"))
        let aborted = h.server.log.all.contains {
            $0.operation == .abortMultipartUpload && $0.uploadID == checkpoint.uploadID
        }
        #expect(aborted, "the discarded checkpoint's upload must be aborted, not orphaned")
        try h.expectAllStoredExactly()
    }

    /// Another file's checkpoint under this file's name (copied, misplaced) is said to be another upload's,
    /// naming whose: before, the identity was compared first and the message said this source had changed.
    @Test func anotherFilesCheckpointIsNamedAsSuchNotAsTheSourceHavingChanged() async throws {
        let h = try await EngineHarness.start("checkpoint-of-another")
        defer { Task { await h.stop() } }
        try h.writeFile("big.bin", size: 3_000_000, seed: 2)
        let other = try h.writeFile("other.bin", size: 2_500_000, seed: 6)
        try await EngineResumeTests.killMidUpload(h, manifest: try EngineResumeTests.multipartManifest(h))
        let store = CheckpointStore(directory: h.checkpointDir)
        let (path, checkpoint) = try #require(store.all().first)
        let otherKey = checkpoint.key == "data/big.bin" ? "data/other.bin" : "data/big.bin"
        let otherSource = checkpoint.key == "data/big.bin" ? other.path : h.dir.path + "/src/big.bin"
        let misplaced = store.path(bucket: h.bucket, key: otherKey, source: otherSource)
        unlink(misplaced)  // the other file's own, if it had one
        try FileManager.default.copyItem(atPath: path, toPath: misplaced)
        let result = try await h.resume()
        #expect(result.exitCode == 0, "\(result.stderr)")
        #expect(result.stderr.contains("checkpoint is for another upload (oss://\(h.bucket)/\(checkpoint.key) from "))
        #expect(!result.stderr.contains("source changed since the checkpoint"), "\(result.stderr)")
        try h.expectAllStoredExactly()
    }

    @Test func truncatedCheckpointIsDiscardedAndTheJobRestarts() async throws {
        let h = try await EngineHarness.start("truncated")
        defer { Task { await h.stop() } }
        try h.writeFile("big.bin", size: 3_000_000, seed: 3)
        try await EngineResumeTests.killMidUpload(h, manifest: try EngineResumeTests.multipartManifest(h))
        let path = try #require(CheckpointStore(directory: h.checkpointDir).all().first?.path)
        let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        try bytes.prefix(bytes.count / 2).write(to: URL(fileURLWithPath: path))
        let result = try await h.resume()
        #expect(result.exitCode == 0, "\(result.stderr)")
        try h.expectAllStoredExactly()
    }

    @Test func fileModifiedBetweenKillAndResumeIsUploadedFreshNeverStitched() async throws {
        let h = try await EngineHarness.start("modified")
        defer { Task { await h.stop() } }
        let url = try h.writeFile("big.bin", size: 4_000_000, seed: 4)
        try await EngineResumeTests.killMidUpload(h, manifest: try EngineResumeTests.multipartManifest(h))
        // New content, same size: only mtime/inode tell the versions apart.
        try await Task.sleep(for: .milliseconds(20))
        try h.writeFile("big.bin", size: 4_000_000, seed: 99)
        let result = try await h.resume()
        #expect(result.exitCode == 0, "\(result.stderr)")
        #expect(result.stderr.contains("source changed"))
        #expect(h.storedMD5("data/big.bin") == (try EngineHarness.md5(of: url)))
    }

    @Test func fileModifiedDuringUploadFailsItsJobAsSourceChanged() async throws {
        let h = try await EngineHarness.start("changing")
        defer { Task { await h.stop() } }
        let url = try h.writeFile("big.bin", size: 3_000_000, seed: 5)
        // The parts after the first wait until the file has changed (a run left to go on could finish first).
        let gate = h.hold(after: 1)
        let manifest = try EngineResumeTests.multipartManifest(h)
        let process = try h.start(["run", manifest, "--report", h.reportPath])
        #expect(await h.waitUntil(.seconds(120)) { h.somePartStored })
        let handle = try FileHandle(forWritingTo: url)
        try handle.seekToEnd()
        try handle.write(contentsOf: Data("appended while uploading".utf8))
        try handle.close()
        h.server.faults.open(gate: gate)
        let result = await process.wait()
        #expect(result.exitCode == 1, "\(result.stderr)")
        let job = try #require(try h.report().jobs.first)
        #expect(job.outcome.status == .failed)
        #expect(job.outcome.error?.code == "SourceChanged")
        h.server.faults.removeAll()
        // Resume uploads the new version.
        let resumed = try await h.resume()
        #expect(resumed.exitCode == 0, "\(resumed.stderr)")
        #expect(h.storedMD5("data/big.bin") == (try EngineHarness.md5(of: url)))
    }

    @Test func completeWhoseResponseWasLostIsSettledByHeadNotReportedAsFailure() async throws {
        let h = try await EngineHarness.start("lostcomplete")
        defer { Task { await h.stop() } }
        try h.writeFile("big.bin", size: 2_000_000, seed: 6)
        // The first Complete succeeds on the server but its response never arrives (delay past the
        // client's patience is replaced here by a reset after the server processed it); the retry then
        // answers NoSuchUpload.
        h.server.faults.add(FaultRule(operation: .completeMultipartUpload, count: 1, action: .dropResponse))
        let manifest = try h.writeManifest(upload: [
            "part_size: 512KiB", "multipart_threshold: 1MiB",
            "retries: {attempts: 3, base_delay: 10ms, max_delay: 50ms}",
        ])
        let result = try await h.run(manifest)
        #expect(result.exitCode == 0, "\(result.stderr)")
        let job = try #require(try h.report().jobs.first)
        #expect(job.outcome.status == .succeeded)
        #expect(
            job.outcome.warnings?.contains { $0.contains("HEAD") } == true,
            "\(h.server.log.all.map { "\($0.operation) \($0.status) \($0.errorCode ?? "")" }) \(result.stderr)"
        )
        try h.expectAllStoredExactly()
    }

    @Test func initiateWhoseResponseWasLostLeavesNoUploadOpenBehind() async throws {
        let h = try await EngineHarness.start("lostinitiate")
        defer { Task { await h.stop() } }
        try h.writeFile("big.bin", size: 2_000_000, seed: 8)
        // The server starts an upload but its answer never arrives; the retry starts a second one. The
        // first is known to no checkpoint: without a sweep it would stay open (and billed) for ever.
        h.server.faults.add(FaultRule(operation: .initiateMultipartUpload, count: 1, action: .dropResponse))
        let manifest = try h.writeManifest(upload: [
            "part_size: 512KiB", "multipart_threshold: 1MiB",
            "retries: {attempts: 3, base_delay: 10ms, max_delay: 50ms}",
        ])
        let result = try await h.run(manifest)
        #expect(result.exitCode == 0, "\(result.stderr)")
        let started = h.server.log.all.filter { $0.operation == .initiateMultipartUpload && $0.status < 300 }
        #expect(started.count == 2)
        #expect(h.server.log.all.filter { $0.operation == .listMultipartUploads }.count == 1)
        #expect(try await h.makeClient().listMultipartUploads(bucket: h.bucket, prefix: "").isEmpty)
        let job = try #require(try h.report().jobs.first)
        #expect(job.outcome.status == .succeeded)
        #expect(job.outcome.attempts >= 2 + 4 + 1)  // both Initiates, the parts, Complete
        #expect(job.outcome.warnings?.contains { $0.contains("aborted upload") } == true, "\(result.stderr)")
        #expect(result.stderr.contains("aborted upload"))
        try h.expectAllStoredExactly()
    }

    /// A sweep whose listing failed once, the parts then going up: it is tried again before Complete, and the
    /// upload the lost Initiate answer started is aborted. Before, Complete removed the checkpoint that said a
    /// sweep was owed: the job succeeded, exit 0, and that upload stayed open (and billed) for ever (review of
    /// e4ab55a).
    @Test func aSweepThatCouldNotListIsTriedAgainBeforeTheUploadIsCompleted() async throws {
        let h = try await EngineHarness.start("sweep-again")
        defer { Task { await h.stop() } }
        try h.writeFile("big.bin", size: 2_000_000, seed: 9)
        h.server.faults.add(FaultRule(operation: .initiateMultipartUpload, count: 1, action: .dropResponse))
        h.server.faults.add(
            FaultRule(operation: .listMultipartUploads, count: 3, action: .fail(status: 500, code: .internalError))
        )
        let manifest = try h.writeManifest(upload: [
            "part_size: 512KiB", "multipart_threshold: 1MiB",
            "retries: {attempts: 3, base_delay: 10ms, max_delay: 50ms}",
        ])
        let result = try await h.run(manifest)
        #expect(result.exitCode == 0, "\(result.stderr)")
        #expect(h.server.log.all.filter { $0.operation == .initiateMultipartUpload && $0.status < 300 }.count == 2)
        #expect(try await h.makeClient().listMultipartUploads(bucket: h.bucket, prefix: "").isEmpty)
        try h.expectAllStoredExactly()
    }

    /// A sweep that did not run to its end (its listing failed here; a stop can cut it off too) is owed: the
    /// checkpoint says so, and the resume that continues the upload sweeps first. Before, that resume did no
    /// Initiate and so no sweep, and the upload the lost answer started stayed open (and billed) for ever.
    @Test func aSweepThatCouldNotListIsRunByTheResumeThatContinuesTheUpload() async throws {
        let h = try await EngineHarness.start("sweepowed")
        defer { Task { await h.stop() } }
        try h.writeFile("big.bin", size: 2_000_000, seed: 9)
        h.server.faults.add(FaultRule(operation: .initiateMultipartUpload, count: 1, action: .dropResponse))
        for operation in [OSSOperation.listMultipartUploads, .uploadPart] {
            h.server.faults.add(
                FaultRule(operation: operation, count: nil, action: .fail(status: 500, code: .internalError))
            )
        }
        let manifest = try h.writeManifest(upload: [
            "part_size: 512KiB", "multipart_threshold: 1MiB",
            "retries: {attempts: 3, base_delay: 10ms, max_delay: 50ms}",
        ])
        let first = try await h.run(manifest)
        #expect(first.exitCode == 1, "\(first.stderr)")
        h.server.faults.removeAll()
        let client = h.makeClient()
        #expect(try await client.listMultipartUploads(bucket: h.bucket, prefix: "").count == 2, "the stray and ours")
        let resumed = try await h.resume()
        #expect(resumed.exitCode == 0, "\(resumed.stderr)")
        #expect(resumed.stderr.contains("aborted upload"), "\(resumed.stderr)")
        #expect(try await client.listMultipartUploads(bucket: h.bucket, prefix: "").isEmpty)
        try h.expectAllStoredExactly()
    }

    @Test func lostInitiateAnswersOnReusedConnectionsLeaveNoUploadOpenEither() async throws {
        let h = try await EngineHarness.start("lostreused")
        defer { Task { await h.stop() } }
        for i in 0..<4 { try h.writeFile("big\(i).bin", size: 1_200_000, seed: UInt64(20 + i)) }
        // After the first job the connection is reused, and libcurl resends a request whose reused connection
        // closed without an answer by itself: the client sees one attempt, the server started two uploads.
        for i in 0..<4 {
            h.server.faults.add(
                FaultRule(
                    operation: .initiateMultipartUpload,
                    keyContains: "big\(i).bin",
                    count: 1,
                    action: .dropResponse
                )
            )
        }
        let manifest = try h.writeManifest(upload: [
            "concurrency: 1", "files_in_flight: 1", "part_size: 512KiB",
            "multipart_threshold: 1MiB",
            "retries: {attempts: 3, base_delay: 10ms, max_delay: 50ms}",
        ])
        let result = try await h.run(manifest)
        #expect(result.exitCode == 0, "\(result.stdout)\(result.stderr)")
        #expect(h.server.log.all.filter { $0.operation == .initiateMultipartUpload && $0.status < 300 }.count == 8)
        #expect(try await h.makeClient().listMultipartUploads(bucket: h.bucket, prefix: "").isEmpty)
        let jobs = try h.report().jobs
        #expect(jobs.allSatisfy { $0.outcome.warnings?.contains { $0.contains("aborted upload") } == true })
        try h.expectAllStoredExactly()
    }

    @Test func aPolicyThatDeniesListingUploadsCostsOneWarningNotTheBatch() async throws {
        let h = try await EngineHarness.start("sweepdenied")
        defer { Task { await h.stop() } }
        for i in 0..<4 { try h.writeFile("big\(i).bin", size: 1_200_000, seed: UInt64(30 + i)) }
        h.server.faults.add(
            FaultRule(operation: .listMultipartUploads, count: nil, action: .fail(status: 403, code: .accessDenied))
        )
        let manifest = try h.writeManifest(upload: [
            "concurrency: 1", "files_in_flight: 1", "part_size: 512KiB",
            "multipart_threshold: 1MiB",
        ])
        let result = try await h.run(manifest)
        #expect(result.exitCode == 0, "\(result.stdout)\(result.stderr)")
        let jobs = try h.report().jobs
        #expect(jobs.count == 4 && jobs.allSatisfy { $0.outcome.status == .succeeded })
        // Asked once, denied once, not asked again.
        #expect(h.server.log.all.filter { $0.operation == .listMultipartUploads }.count == 1)
        #expect(
            jobs.filter { $0.outcome.warnings?.contains { $0.contains("cannot list multipart uploads") } == true }.count
                == 1
        )
        try h.expectAllStoredExactly()
    }

    @Test func aResumeWithNothingToDoThatCannotWriteItsReportExits3AndLeavesTheReportAsItWas() async throws {
        // With nothing to run the report is written once, at the end: when that write fails, the run is
        // fatal (exit 3, its summary says why) and the report on disk is still the one it read.
        let h = try await EngineHarness.start("nothing-to-do-diskfull")
        defer { Task { await h.stop() } }
        for i in 0..<3 { try h.writeFile("f\(i).bin", size: 1_000, seed: UInt64(i)) }
        #expect(try await h.run(try h.writeManifest()).exitCode == 0)
        let before = try Data(contentsOf: URL(fileURLWithPath: h.reportPath))
        let flag = h.dir.url.appendingPathComponent("full").path
        #expect(FileManager.default.createFile(atPath: flag, contents: nil))
        h.server.stats.reset()
        let resumed = try await h.ossbatch(
            ["resume", h.reportPath, "--progress-interval", "3600"],
            environment: [
                "LD_PRELOAD": Products.url("libDiskFullShim.so").path, "DISKFULL_FLAG": flag,
                "DISKFULL_UNDER": h.dir.path,
            ]
        )
        #expect(resumed.exitCode == 3, "\(resumed.stderr)")
        #expect(resumed.stderr.contains("No space left on device"), "\(resumed.stderr)")
        #expect(resumed.stdout.contains("ReportError"), "\(resumed.stdout)")
        #expect(h.server.stats.snapshot.requestsTotal == 0)
        #expect(try Data(contentsOf: URL(fileURLWithPath: h.reportPath)) == before)
        try FileManager.default.removeItem(atPath: flag)
        let again = try await h.resume()
        #expect(again.exitCode == 0, "\(again.stderr)")
        #expect(try h.report().runs.count == 2, "the failed resume left no run behind; this one is recorded")
    }

    /// The journal's periodic `fsync` fails (an I/O error, a quota on a network file system): the run stops,
    /// `ReportError`, exit 3, and writes its report with every outcome it has — the journal's lines may not have
    /// reached the disk. Before, the error was dropped and the run went on with outcomes a crash could lose (and
    /// Linux reports a write-back error once, so no later sync said so). `resume` finishes the batch.
    @Test func aJournalThatCannotBeSyncedStopsTheRunWhichStillWritesItsReport() async throws {
        let h = try await EngineHarness.start("journal-fsync-fails")
        defer { Task { await h.stop() } }
        for i in 0..<12 { try h.writeFile("f\(i).bin", size: 1_000, seed: UInt64(i)) }
        h.server.faults.add(FaultRule(operation: .putObject, count: nil, action: .delay(milliseconds: 400)))
        let manifest = try h.writeManifest(upload: ["concurrency: 1"])
        let flag = h.dir.url.appendingPathComponent("fsync-fails").path
        let journal = h.reportPath + ".journal"
        let run = try h.start(
            ["run", manifest, "--report", h.reportPath, "--progress-interval", "3600"],
            environment: [
                "LD_PRELOAD": Products.url("libDiskFullShim.so").path, "FSYNCFAIL_FLAG": flag,
                "DISKFULL_UNDER": journal,
            ]
        )
        #expect(
            await h.waitUntil {
                ((try? String(contentsOfFile: journal, encoding: .utf8)) ?? "").contains("\"succeeded\"")
            }
        )
        #expect(FileManager.default.createFile(atPath: flag, contents: nil))
        let result = await run.wait()
        #expect(result.exitCode == 3, "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: flag), "the failing fsync was met")
        #expect(result.stderr.contains("cannot write the journal"), "\(result.stderr)")
        let report = try h.report()
        #expect(report.status == .fatal && report.fatalError?.code == "ReportError")
        #expect(report.totals.succeeded >= 1 && report.totals.pending >= 1, "\(report.totals)")
        let resumed = try await h.resume()
        #expect(resumed.exitCode == 0, "\(resumed.stderr)")
        try h.expectAllStoredExactly()
    }

    /// A run whose report cannot be written at all (only the report's own writes fail here, its journal's
    /// do not) says so and to run the manifest again — not to resume a report that is not there, which
    /// `resume` refuses (`no such report`). Its JSON summary has `report_written: false` and no
    /// `resume_command`.
    @Test func aRunThatCouldNotWriteItsReportSaysToRunAgainNotToResume() async throws {
        let h = try await EngineHarness.start("report-never-written")
        defer { Task { await h.stop() } }
        for i in 0..<3 { try h.writeFile("f\(i).bin", size: 1_000, seed: UInt64(i)) }
        let manifest = try h.writeManifest()
        let flag = h.dir.url.appendingPathComponent("full").path
        #expect(FileManager.default.createFile(atPath: flag, contents: nil))
        let environment = [
            "LD_PRELOAD": Products.url("libDiskFullShim.so").path, "DISKFULL_FLAG": flag,
            "DISKFULL_UNDER": h.dir.path + "/.report.json.tmp-",
        ]
        let text = try await h.ossbatch(
            ["run", manifest, "--report", h.reportPath, "--progress-interval", "3600"],
            environment: environment
        )
        #expect(text.exitCode == 3, "\(text.stderr)")
        #expect(!FileManager.default.fileExists(atPath: h.reportPath))
        // Nor its journal, which no job wrote to (it was left beside no report: audit of 49872c5).
        #expect(!FileManager.default.fileExists(atPath: h.reportPath + ".journal"))
        #expect(text.stdout.contains("was not written (nothing to resume)"), "\(text.stdout)")
        #expect(text.stdout.contains("run the manifest again: ossbatch run \(manifest)"), "\(text.stdout)")
        #expect(!text.stdout.contains("ossbatch resume"), "\(text.stdout)")
        let json = try await h.ossbatch(
            ["run", manifest, "--report", h.reportPath, "--progress-interval", "3600", "--output", "json"],
            environment: environment
        )
        let summary = try #require(
            try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any],
            "\(json.stdout)"
        )
        #expect(summary["report_written"] as? Bool == false && summary["resume_command"] == nil, "\(summary)")
        try FileManager.default.removeItem(atPath: flag)
        #expect(try await h.run(manifest).exitCode == 0)
        try h.expectAllStoredExactly()
    }

    @Test func aDiskThatFillsMidRunStopsWithExit3AndAResumableReportThenResumeFinishes() async throws {
        let h = try await EngineHarness.start("diskfull")
        defer { Task { await h.stop() } }
        for i in 0..<300 { try h.writeFile(String(format: "small/f%03d.bin", i), size: 2_000, seed: UInt64(i)) }
        try h.writeFile("big.bin", size: 3_000_000, seed: 11)
        // The disk fills while most jobs are still to come: the PutObjects after the 20th wait for it.
        let gate = h.hold(.putObject, after: 20)
        h.server.faults.add(FaultRule(operation: .uploadPart, count: nil, action: .delay(milliseconds: 50)))
        let manifest = try h.writeManifest(upload: ["concurrency: 4", "part_size: 256KiB", "multipart_threshold: 1MiB"])
        // Every write under the test's directory (report, journal, checkpoints) fails with ENOSPC while `full` exists.
        let flag = h.dir.url.appendingPathComponent("full").path
        let process = try h.start(
            ["run", manifest, "--report", h.reportPath, "--progress-interval", "3600"],
            environment: [
                "LD_PRELOAD": Products.url("libDiskFullShim.so").path, "DISKFULL_FLAG": flag,
                "DISKFULL_UNDER": h.dir.path,
            ]
        )
        #expect(
            await h.waitUntil(.seconds(120)) {
                h.server.log.all.filter({ $0.operation == .putObject && $0.status < 300 }).count >= 20
            }
        )
        #expect(FileManager.default.createFile(atPath: flag, contents: nil))
        h.server.faults.open(gate: gate)
        let stopped = await process.wait(timeout: .seconds(120))
        #expect(stopped.exitCode == 3, "\(stopped.stderr)")
        #expect(stopped.stderr.contains("No space left on device"), "\(stopped.stderr)")
        // The summary says why it stopped and how to go on.
        #expect(
            stopped.stdout.contains("ReportError") && stopped.stdout.contains("ossbatch resume"),
            "\(stopped.stdout)"
        )
        let puts = h.server.log.all.filter { $0.operation == .putObject }.count
        #expect(puts < 300, "the run should stop soon after the disk filled, not upload everything unrecorded")
        // What is on disk is a report `resume` can use: the one written at the start plus the journal lines
        // that fitted.
        let left = try h.report()
        #expect(left.jobs.count == 301)
        #expect(left.totals.pending > 0)

        // Space is freed; resume finishes the batch and every object is exact.
        try FileManager.default.removeItem(atPath: flag)
        h.server.faults.removeAll()
        let resumed = try await h.resume()
        #expect(resumed.exitCode == 0, "\(resumed.stderr)")
        #expect(try h.report().totals.succeeded == 301)
        try h.expectAllStoredExactly()
    }

    @Test func abortCommandAbortsEveryUploadTheReportsCheckpointsHold() async throws {
        let h = try await EngineHarness.start("abort")
        defer { Task { await h.stop() } }
        try h.writeFile("big.bin", size: 3_000_000, seed: 7)
        try await EngineResumeTests.killMidUpload(h, manifest: try EngineResumeTests.multipartManifest(h))
        let uploadID = try #require(CheckpointStore(directory: h.checkpointDir).all().first?.checkpoint.uploadID)
        let result = try await h.ossbatch(["abort", h.reportPath])
        #expect(result.exitCode == 0, "\(result.stderr)")
        #expect(result.stdout.contains("aborted 1"))
        #expect(
            h.server.log.all.contains {
                $0.operation == .abortMultipartUpload && $0.uploadID == uploadID && $0.status < 300
            }
        )
        #expect(CheckpointStore(directory: h.checkpointDir).all().isEmpty)
    }

    @Test func resumeAfterAKillDuringAnInitiateLeavesNoUploadOpen() async throws {
        let h = try await EngineHarness.start("kill-initiate")
        defer { Task { await h.stop() } }
        try h.writeFile("big.bin", size: 3_000_000, seed: 11)
        // OSS has started the upload; the run is killed before the answer reaches it: no checkpoint knows it.
        h.server.faults.add(FaultRule(operation: .initiateMultipartUpload, count: 1, action: .hold(gate: "init")))
        let process = try h.start(["run", try EngineResumeTests.multipartManifest(h), "--report", h.reportPath])
        #expect(await h.waitUntil(.seconds(120)) { h.server.faults.held(at: "init") == 1 })
        process.signal(SIGKILL)
        _ = await process.wait()
        h.server.faults.open(gate: "init")
        let orphan = try #require(h.server.openUploadIDs(bucket: h.bucket).first)
        #expect(CheckpointStore(directory: h.checkpointDir).all().isEmpty)
        // The resume comes minutes later (cron, an operator): far outside its own Initiate's window.
        #expect(h.server.setInitiated(Date().addingTimeInterval(-300), ofUpload: orphan))

        let resumed = try await h.resume()
        #expect(resumed.exitCode == 0, "\(resumed.stderr)")
        try h.expectAllStoredExactly()
        #expect(h.server.openUploadIDs(bucket: h.bucket).isEmpty, "upload \(orphan) left open")
        #expect(try h.report().jobs.first?.outcome.warnings?.contains { $0.contains(orphan) } == true)
    }

    @Test func abortCommandAlsoAbortsUploadsOfUnfinishedJobsThatNoCheckpointHolds() async throws {
        let h = try await EngineHarness.start("abortstray")
        defer { Task { await h.stop() } }
        try h.writeFile("big.bin", size: 3_000_000, seed: 9)
        try await EngineResumeTests.killMidUpload(h, manifest: try EngineResumeTests.multipartManifest(h))
        // What a run killed between Initiate's answer and its checkpoint write leaves: an upload nobody knows.
        let client = h.makeClient()
        let stray = try await client.initiateMultipartUpload(
            bucket: h.bucket,
            key: "data/big.bin",
            options: ObjectOptions()
        ).uploadID
        // An upload of a key that is not in the report is none of abort's business.
        let foreign = try await client.initiateMultipartUpload(
            bucket: h.bucket,
            key: "data/other.bin",
            options: ObjectOptions()
        ).uploadID
        let result = try await h.ossbatch(["abort", h.reportPath])
        #expect(result.exitCode == 0, "\(result.stderr)")
        #expect(result.stdout.contains("aborted 2"), "\(result.stdout)")
        let open = try await client.listMultipartUploads(bucket: h.bucket, prefix: "")
        #expect(open.map(\.uploadID) == [foreign])
        #expect(!open.contains { $0.uploadID == stray })
    }
}
