import Foundation
import LocalOSS
import OSSBatch
import TestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// `ossbatch run` end to end: the real binary, real HTTP, LocalOSS.
@Suite(.serialized)
struct EngineRunTests {
    @Test func batchOfTwoHundredFilesUploadsEveryObjectExactlyWithItsMetadata() async throws {
        let h = try await EngineHarness.start("batch")
        defer { Task { await h.stop() } }
        let threshold = 1 << 20
        try h.writeFile("empty.bin", size: 0)
        try h.writeFile("one.bin", size: 1)
        try h.writeFile("under-threshold.bin", size: threshold - 1, seed: 2)
        try h.writeFile("at-threshold.bin", size: threshold, seed: 3)
        try h.writeFile("over-threshold.bin", size: threshold + 1, seed: 4)
        try h.writeFile("big/a-20MB.bin", size: 20_000_000, seed: 5)
        try h.writeFile("big/b-33MB.bin", size: 33_554_433, seed: 6)
        try h.writeFile("big/c-60MB.bin", size: 60_000_000, seed: 7)
        for i in 0..<192 {
            try h.writeFile("small/\(i / 50)/file-\(i).txt", size: (i * 997) % 20_000, seed: UInt64(100 + i))
        }
        let manifest = try h.writeManifest(
            upload: [
                "concurrency: 8", "files_in_flight: 3", "part_size: 1MiB",
                "multipart_threshold: 1MiB",
            ],
            defaults: ["metadata: {team: data}", "cache_control: no-cache"]
        )
        let result = try await h.run(manifest)
        #expect(result.exitCode == 0, "\(result.stderr)")
        let report = try h.report()
        #expect(report.status == .succeeded)
        #expect(report.totals.jobs == 200)
        #expect(report.totals.succeeded == 200)
        try h.expectAllStoredExactly()
        let big = try #require(report.jobs.first { $0.spec.key == "data/big/c-60MB.bin" })
        guard case .multipart = big.spec.method else {
            Issue.record("a 60 MB file must go up in parts")
            return
        }
        #expect(big.outcome.uploadID != nil)
        #expect(big.outcome.checkpoint == nil)
        let head = try #require(h.server.objectHeaders(bucket: h.bucket, key: "data/small/0/file-1.txt"))
        #expect(head["x-oss-meta-team"] == "data")
        #expect(head["cache-control"] == "no-cache")
        #expect(head["content-type"] == "text/plain")
        // Checkpoints are deleted once their objects are confirmed.
        #expect(
            ((try? FileManager.default.contentsOfDirectory(atPath: h.checkpointDir)) ?? []).filter {
                $0.hasSuffix(".json")
            }.isEmpty
        )
        h.expectNoSecrets(in: [result.stdout, result.stderr])
    }

    @Test func filesStampedBeyondWhatNanosecondsHoldArePlannedUploadedIndexedAndResumed() async throws {
        // `touch -d 2300-01-01` (or an archive's bogus times) once trapped the plan of the whole batch: an
        // mtime in nanoseconds overflowed. Such a file is one like any other, its mtime held at the range's end.
        let h = try await EngineHarness.start("far-times")
        defer { Task { await h.stop() } }
        let far = try h.writeFile("far-future.txt", size: 10).path
        let past = try h.writeFile("far-past.txt", size: 20, seed: 2).path
        // 2300-01-01, and 1901-12-14 (ext4 keeps nothing earlier than 1901-12-13).
        for (path, seconds) in [(far, 10_413_792_000), (past, -2_147_472_000)] {
            var times = [timespec(tv_sec: seconds, tv_nsec: 0), timespec(tv_sec: seconds, tv_nsec: 0)]
            #expect(utimensat(AT_FDCWD, path, &times, 0) == 0)
        }
        try await h.settle()
        let state = h.dir.url.appendingPathComponent("state-home").path
        let manifest = try h.writeManifest(upload: ["unchanged: skip"])
        let environment = ["OSSBATCH_STATE_DIR": state]
        let plan = try await h.ossbatch(["plan", manifest], environment: environment)
        #expect(plan.exitCode == 0 && plan.stdout.contains("2 files"), "\(plan.stdout)\(plan.stderr)")
        let run = try await h.ossbatch(["run", manifest, "--report", h.reportPath], environment: environment)
        #expect(run.exitCode == 0, "\(run.stderr)")
        try h.expectAllStoredExactly()
        let mtimes = Dictionary(
            uniqueKeysWithValues: try h.report().jobs.map { ($0.spec.key, $0.spec.identity.mtimeNanoseconds) }
        )
        #expect(mtimes == ["data/far-future.txt": .max, "data/far-past.txt": -2_147_472_000_000_000_000])
        let resumed = try await h.ossbatch(["resume", h.reportPath], environment: environment)
        #expect(resumed.exitCode == 0, "\(resumed.stderr)")
        // The index keeps them too: the next night skips both as unchanged.
        let second = try await h.ossbatch(
            ["run", manifest, "--report", h.dir.url.appendingPathComponent("r2.json").path],
            environment: environment
        )
        #expect(second.exitCode == 0, "\(second.stderr)")
        #expect(second.stdout.contains("0 succeeded, 2 skipped"), "\(second.stdout)")
    }

    @Test func requestsInFlightNeverExceedConcurrencyAndOpenUploadsNeverExceedFilesInFlight() async throws {
        let h = try await EngineHarness.start("limits")
        defer { Task { await h.stop() } }
        for i in 0..<6 { try h.writeFile("big-\(i).bin", size: 3_000_000, seed: UInt64(i)) }
        for i in 0..<40 { try h.writeFile("small-\(i).bin", size: 1000, seed: UInt64(50 + i)) }
        h.server.faults.add(FaultRule(operation: .uploadPart, count: nil, action: .delay(milliseconds: 30)))
        h.server.faults.add(FaultRule(operation: .putObject, count: nil, action: .delay(milliseconds: 30)))
        let manifest = try h.writeManifest(upload: [
            "concurrency: 5", "files_in_flight: 2", "part_size: 256KiB",
            "multipart_threshold: 1MiB",
        ])
        let result = try await h.run(manifest)
        #expect(result.exitCode == 0, "\(result.stderr)")
        let stats = h.server.stats.snapshot
        #expect(stats.maxRequestsInFlight <= 5)
        #expect(stats.maxRequestsInFlight >= 3, "the limit should also be used, not just respected")
        var open = 0
        var maxOpen = 0
        for entry in h.server.log.all where entry.status < 300 {
            if entry.operation == .initiateMultipartUpload {
                open += 1
                maxOpen = max(maxOpen, open)
            }
            if entry.operation == .completeMultipartUpload || entry.operation == .abortMultipartUpload { open -= 1 }
        }
        #expect(maxOpen <= 2)
        #expect(maxOpen >= 1)
    }

    @Test func serverErrorsAndResetsMidPartAreRetriedAndObjectsStayExact() async throws {
        let h = try await EngineHarness.start("faults")
        defer { Task { await h.stop() } }
        try h.writeFile("big.bin", size: 5_000_000, seed: 9)
        try h.writeFile("small.bin", size: 5000, seed: 10)
        h.server.faults.add(.failNth(2, .uploadPart, status: 503, code: .serviceUnavailable))
        h.server.faults.add(FaultRule(operation: .uploadPart, skip: 3, count: 2, action: .resetAfterBodyBytes(100_000)))
        h.server.faults.add(.failNth(1, .putObject, status: 500, code: .internalError))
        h.server.faults.add(.failNth(1, .completeMultipartUpload, status: 503, code: .serviceUnavailable))
        let manifest = try h.writeManifest(upload: [
            "part_size: 512KiB", "multipart_threshold: 1MiB",
            "retries: {attempts: 5, base_delay: 10ms, max_delay: 100ms}",
        ])
        let result = try await h.run(manifest)
        #expect(result.exitCode == 0, "\(result.stderr)")
        try h.expectAllStoredExactly()
        let report = try h.report()
        let big = try #require(report.jobs.first { $0.spec.key == "data/big.bin" })
        #expect(big.outcome.attempts > 12, "10 parts + initiate + complete + retries")
    }

    @Test func wrongCRCFromServerFailsTheJobAsAnIntegrityError() async throws {
        let h = try await EngineHarness.start("crc")
        defer { Task { await h.stop() } }
        try h.writeFile("a.bin", size: 3000, seed: 1)
        try h.writeFile("b.bin", size: 3000, seed: 2)
        h.server.faults.add(FaultRule(operation: .putObject, keyContains: "a.bin", count: nil, action: .wrongCRC))
        let manifest = try h.writeManifest(upload: ["retries: {attempts: 2, base_delay: 10ms, max_delay: 20ms}"])
        let result = try await h.run(manifest)
        #expect(result.exitCode == 1)
        let report = try h.report()
        #expect(report.status == .failed)
        let a = try #require(report.jobs.first { $0.spec.key == "data/a.bin" })
        #expect(a.outcome.status == .failed)
        #expect(a.outcome.error?.code == "IntegrityError")
        let sent = h.server.log.all.filter { $0.key == "data/a.bin" }.count
        #expect(sent == 2 && a.outcome.attempts == sent, "the report counts the re-sent PutObject")
        let b = try #require(report.jobs.first { $0.spec.key == "data/b.bin" })
        #expect(b.outcome.status == .succeeded, "one failing job must not stall the others")
    }

    /// An object whose CRC-64 the server reports after CompleteMultipartUpload is not the parts' combined one
    /// fails the job in every `verify` mode, as a PutObject's or an UploadPart's does: under `none` it used to
    /// succeed, and with `unchanged: skip` its entry vouched for the wrong object every night after.
    @Test(arguments: ["crc64", "md5", "none"])
    func aMultipartObjectWhoseCRCDisagreesFailsInEveryVerifyMode(verify: String) async throws {
        let h = try await EngineHarness.start("crc-complete-\(verify)")
        defer { Task { await h.stop() } }
        try h.writeFile("big.bin", size: 1_500_000, seed: 1)
        try await h.settle()
        h.server.faults.add(FaultRule(operation: .completeMultipartUpload, count: nil, action: .wrongCRC))
        let manifest = try h.writeManifest(upload: [
            "verify: \(verify)", "unchanged: skip", "part_size: 128KiB", "multipart_threshold: 1MiB",
        ])
        let result = try await h.run(manifest)
        #expect(result.exitCode == 1, "\(result.stderr)")
        let job = try #require(try h.report().jobs.first)
        #expect(job.outcome.status == .failed && job.outcome.error?.code == "IntegrityError", "\(job.outcome)")

        // Nothing vouches for it: the next night uploads it again.
        h.server.faults.removeAll()
        h.server.stats.reset()
        #expect(try await h.run(manifest).exitCode == 0)
        #expect(h.server.stats.snapshot.requestsByOperation["CompleteMultipartUpload"] == 1)
    }

    @Test func wrongSecretStopsTheBatchWithExitThreeAfterAHandfulOfRequests() async throws {
        let h = try await EngineHarness.start("secret")
        defer { Task { await h.stop() } }
        for i in 0..<100 { try h.writeFile("f\(i).txt", size: 100, seed: UInt64(i)) }
        let manifest = try h.writeManifest(upload: ["concurrency: 4"])
        let wrong = "not-the-secret-\(UUID().uuidString)"
        let result = try await h.ossbatch(
            ["run", manifest, "--report", h.reportPath],
            environment: ["OSS_ACCESS_KEY_SECRET": wrong]
        )
        #expect(result.exitCode == 3, "\(result.stderr)")
        #expect(h.server.stats.snapshot.requestsTotal <= 10)
        let report = try h.report()
        #expect(report.status == .fatal)
        let fatal = try #require(report.fatalError)
        #expect(fatal.code == "SignatureDoesNotMatch")
        #expect(fatal.requestID?.isEmpty == false)
        #expect(report.totals.succeeded == 0)
        #expect(!result.stdout.contains(wrong) && !result.stderr.contains(wrong))
        #expect(!((try? String(contentsOfFile: h.reportPath, encoding: .utf8)) ?? "").contains(wrong))
    }

    /// A region that is not the bucket's: OSS answers every request `InvalidArgument` with an EC of its
    /// signature category (0002-…). Before, each of the 100 jobs failed with its own line, exit 1.
    @Test func aSigningRegionThatIsNotTheBucketsStopsTheBatchAtOnce() async throws {
        let h = try await EngineHarness.start("region")
        defer { Task { await h.stop() } }
        for i in 0..<100 { try h.writeFile("f\(i).txt", size: 100, seed: UInt64(i)) }
        let manifest = try h.writeManifest(upload: ["concurrency: 4"])
        let text = try String(contentsOfFile: manifest, encoding: .utf8)
        try text.replacingOccurrences(of: "region: local", with: "region: cn-shanghai")
            .write(toFile: manifest, atomically: false, encoding: .utf8)
        let result = try await h.run(manifest)
        #expect(result.exitCode == 3, "\(result.stderr)")
        #expect(h.server.stats.snapshot.requestsTotal <= 10)
        let report = try h.report()
        #expect(report.status == .fatal)
        let fatal = try #require(report.fatalError)
        #expect(fatal.code == "InvalidArgument" && fatal.ec == "0002-00000225", "\(fatal)")
        #expect(report.totals.failed <= 4 && report.totals.pending >= 96, "\(report.totals)")
        #expect(result.stderrLines.filter { $0.contains("error:") }.count <= 5, "\(result.stderr)")
    }

    @Test func unwritableCheckpointDirectoryIsAClearFatalErrorAndNothingIsClaimedSucceeded() async throws {
        let h = try await EngineHarness.start("rodir")
        defer { Task { await h.stop() } }
        try h.writeFile("big.bin", size: 2_000_000, seed: 3)
        // A regular file where the checkpoint directory should be: fails for root too.
        try h.dir.write("state", "not a directory")
        let manifest = try h.writeManifest(upload: ["part_size: 512KiB", "multipart_threshold: 1MiB"])
        let result = try await h.run(manifest)
        #expect(result.exitCode == 3)
        #expect(result.stderr.contains("state") || result.stdout.contains("state"))
        let report = try h.report()
        #expect(report.totals.succeeded == 0)
        #expect(report.fatalError?.code == "CheckpointError")
    }

    @Test func sigintStopsWithExit130AnInterruptedReportAndResumeCompletes() async throws {
        let h = try await EngineHarness.start("sigint")
        defer { Task { await h.stop() } }
        for i in 0..<3 { try h.writeFile("big-\(i).bin", size: 4_000_000, seed: UInt64(i)) }
        h.server.faults.add(FaultRule(operation: .uploadPart, count: nil, action: .delay(milliseconds: 150)))
        let manifest = try h.writeManifest(upload: ["concurrency: 2", "part_size: 256KiB", "multipart_threshold: 1MiB"])
        let gate = h.hold()
        let process = try h.start(["run", manifest, "--report", h.reportPath])
        // Once parts are going up (a fixed sleep could signal a loaded machine's process while it plans).
        #expect(await h.waitUntil(.seconds(60)) { h.somePartStored })
        await h.interrupt(process)
        h.server.faults.open(gate: gate)
        let interrupted = await process.wait(timeout: .seconds(60))
        #expect(interrupted.exitCode == 130, "\(interrupted.stderr)")
        let report = try h.report()
        #expect(report.status == .interrupted)
        #expect(report.totals.pending > 0)
        h.server.faults.removeAll()
        let resumed = try await h.resume()
        #expect(resumed.exitCode == 0, "\(resumed.stderr)")
        #expect(try h.report().status == .succeeded)
        try h.expectAllStoredExactly()
        h.expectNoSecrets(in: [interrupted.stdout, interrupted.stderr, resumed.stdout, resumed.stderr])
    }

    @Test func manifestSelectingNoFilesExitsOneUnlessAllowed() async throws {
        let h = try await EngineHarness.start("empty")
        defer { Task { await h.stop() } }
        try FileManager.default.createDirectory(
            at: h.dir.url.appendingPathComponent("src"),
            withIntermediateDirectories: true
        )
        // An entry selecting nothing is an error of the manifest unless it is optional (or allowed empty).
        let strict = try await h.run(try h.writeManifest())
        #expect(strict.exitCode == 2)
        #expect(strict.stderr.contains("error: source 'src/' selects no files"))
        let manifest = try h.writeManifest(extraEntryLines: ["optional: true"])
        let result = try await h.run(manifest)
        #expect(result.exitCode == 1)
        #expect(result.stderr.contains("note: source 'src/' selects no files"))
        // `--quiet` (cron's line) shows no note: an optional entry that is empty is no night to mail about
        // (review of c56b4e6: a warning, cron mailed root every good night of a fresh install's /var/backups).
        let quiet = try await h.run(manifest, ["--quiet"])
        #expect(!quiet.stderr.contains("source 'src/' selects no files"), "\(quiet.stderr)")
        #expect(result.stderr.contains("no files"))
        try h.dir.write("allow.yaml", (try String(contentsOfFile: manifest, encoding: .utf8)) + "allow_empty: true\n")
        let allowed = try await h.run(h.dir.url.appendingPathComponent("allow.yaml").path)
        #expect(allowed.exitCode == 0, "\(allowed.stderr)")
    }
}
