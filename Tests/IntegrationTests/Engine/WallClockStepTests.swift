import Foundation
import LocalOSS
import OSSBatch
import OSSKit
import OSSProtocol
import TestSupport
import Testing

/// The real binary with its wall clock stepped mid-run, or simply wrong, by `WallClockShim` (NTP after a VM
/// resumed, an operator's `date -s`, a VM without NTP): what is timed is timed on the monotonic clock, so a step
/// changes no decision, and what is compared with OSS's times is compared on OSS's clock.
@Suite
struct WallClockStepTests {
    static let shim = Products.url("libWallClockShim.so").path

    /// A time as reports write it.
    static func reportTime(_ text: String) -> Date? {
        let iso = ISO8601DateFormatter()
        iso.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return iso.date(from: text)
    }

    /// When the report's last run ended, by the run's own (stepped) clock: proof that the step reached it.
    static func lastRunEnd(_ h: EngineHarness) throws -> Date? {
        try h.report().runs.last?.finishedAt.flatMap(reportTime)
    }

    @Test func aClockSteppedAnHourForwardDuringAnInitiateAbortsNoOtherUploadOfTheKey() async throws {
        let h = try await EngineHarness.start("clock-step-initiate")
        defer { Task { await h.stop() } }
        try h.writeFile("big.bin", size: 2_000_000, seed: 8)
        // Another batch's upload of the same key, begun half an hour ago; no checkpoint here knows it.
        let other = try await h.makeClient().initiateMultipartUpload(
            bucket: h.bucket,
            key: "data/big.bin",
            options: ObjectOptions()
        )
        .uploadID
        #expect(h.server.setInitiated(Date().addingTimeInterval(-1800), ofUpload: other))
        // The run's Initiate is held until the test has stepped the run's clock an hour forward. By the wall
        // clock the Initiate then took an hour, and the sweep for an upload its lost answer might have started
        // looked back an hour before it: over the other batch's upload.
        h.server.faults.add(FaultRule(operation: .initiateMultipartUpload, count: 1, action: .hold(gate: "step")))
        let offsetFile = try h.dir.write("wall-clock-offset", "0")
        let manifest = try h.writeManifest(upload: ["part_size: 512KiB", "multipart_threshold: 1MiB"])
        let process = try h.start(
            ["run", manifest, "--report", h.reportPath, "--progress-interval", "3600"],
            environment: ["LD_PRELOAD": Self.shim, "WALLCLOCK_OFFSET_FILE": offsetFile.path]
        )
        #expect(await h.waitUntil(.seconds(120)) { h.server.faults.held(at: "step") == 1 })
        try "3600".write(to: offsetFile, atomically: true, encoding: .utf8)
        try await Task.sleep(for: .milliseconds(200))  // past the shim's 10 ms between reads of the file
        h.server.faults.open(gate: "step")
        let result = await process.wait(timeout: .seconds(120))
        #expect(result.exitCode == 0, "\(result.stderr)")
        try h.expectAllStoredExactly()
        #expect(h.server.openUploadIDs(bucket: h.bucket) == [other], "the other batch's upload stays open")
        #expect(!result.stderr.contains("aborted upload"), "\(result.stderr)")
        // The step did reach the run: its end is recorded an hour ahead.
        let finished = try #require(try Self.lastRunEnd(h))
        #expect(finished.timeIntervalSinceNow > 3000, "the run's clock was not stepped")
    }

    @Test func aClockSteppedTwoDaysForwardMidRunFetchesNoNewCredentials() async throws {
        let h = try await EngineHarness.start("clock-step-credentials")
        defer { Task { await h.stop() } }
        // Two-hour tokens from the ECS metadata service: by a wall clock two days on, the first one expired.
        let fake = try await FakeCredentialService.start(registry: h.server.temporaryCredentials, lifetime: 7200)
        defer { Task { await fake.stop() } }
        for i in 0..<12 { try h.writeFile("f-\(i).bin", size: 1000, seed: UInt64(i)) }
        h.server.faults.add(FaultRule(operation: .putObject, skip: 4, count: 1, action: .hold(gate: "step")))
        let offsetFile = try h.dir.write("wall-clock-offset", "0")
        // One request at a time: every file after the held one is signed on the stepped clock.
        let manifest = try h.writeManifest(upload: ["concurrency: 1"])
        var environment = ExpiringCredentialsTests.environment(fake, home: h.dir.path)
        environment["LD_PRELOAD"] = Self.shim
        environment["WALLCLOCK_OFFSET_FILE"] = offsetFile.path
        let process = try h.start(
            ["run", manifest, "--report", h.reportPath, "--progress-interval", "3600"],
            environment: environment
        )
        #expect(await h.waitUntil(.seconds(120)) { h.server.faults.held(at: "step") == 1 })
        try "172800".write(to: offsetFile, atomically: true, encoding: .utf8)
        try await Task.sleep(for: .milliseconds(200))
        h.server.faults.open(gate: "step")
        let result = await process.wait(timeout: .seconds(120))
        #expect(result.exitCode == 0, "\(result.stderr)")
        try h.expectAllStoredExactly()
        #expect(fake.issued.count == 1, "\(fake.requests)")
        let finished = try #require(try Self.lastRunEnd(h))
        #expect(finished.timeIntervalSinceNow > 86400, "the run's clock was not stepped")
    }

    @Test func abortOfARunOnAClockTwoHoursFastAbortsTheUploadItsKilledInitiateLeft() async throws {
        let h = try await EngineHarness.start("clock-fast-abort") { $0.maxClockSkew = 900 }  // as OSS
        defer { Task { await h.stop() } }
        try h.writeFile("big.bin", size: 2_000_000, seed: 12)
        let offsetFile = try h.dir.write("wall-clock-offset", "7200")
        let environment = ["LD_PRELOAD": Self.shim, "WALLCLOCK_OFFSET_FILE": offsetFile.path]
        // Two hours fast, the run's first Initiate is refused (RequestTimeTooSkewed); the second, signed by
        // OSS's clock, starts the upload and is held: the run is killed before it learns the upload's id, so
        // no checkpoint holds it. Its report dates the run two hours after OSS dated the upload.
        h.server.faults.add(
            FaultRule(operation: .initiateMultipartUpload, skip: 1, count: 1, action: .hold(gate: "initiated"))
        )
        let manifest = try h.writeManifest(upload: ["part_size: 512KiB", "multipart_threshold: 1MiB"])
        let process = try h.start(
            ["run", manifest, "--report", h.reportPath, "--progress-interval", "3600"],
            environment: environment
        )
        #expect(await h.waitUntil(.seconds(120)) { h.server.faults.held(at: "initiated") == 1 })
        process.signal(SIGKILL)
        _ = await process.wait()
        h.server.faults.open(gate: "initiated")
        // The held answer is logged once the gate lets it go (to no one).
        func initiates() -> [String?] {
            h.server.log.all.filter { $0.operation == .initiateMultipartUpload }.map(\.errorCode)
        }
        #expect(await h.waitUntil(.seconds(30)) { initiates().count == 2 })
        #expect(initiates() == ["RequestTimeTooSkewed", nil])
        let stray = try #require(h.server.openUploadIDs(bucket: h.bucket).first)
        #expect(CheckpointStore(directory: h.checkpointDir).all().isEmpty)
        let started = try #require(try h.report().runs.last?.startedAt)
        #expect(try #require(Self.reportTime(started)).timeIntervalSinceNow > 3000, "the run's clock was not fast")

        // `abort` on the same clock learns OSS's time from its first, refused request.
        let abort = try h.start(["abort", h.reportPath], environment: environment)
        let result = await abort.wait(timeout: .seconds(120))
        #expect(result.exitCode == 0, "\(result.stderr)")
        #expect(result.stdout.contains("aborted 1"), "\(result.stdout)")
        #expect(h.server.openUploadIDs(bucket: h.bucket).isEmpty, "upload \(stray) was left open")
    }
}
