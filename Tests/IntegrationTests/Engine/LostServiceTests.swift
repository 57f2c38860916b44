import Foundation
import LocalOSS
import OSSBatch
import TestSupport
import Testing

/// A service that answered and then died, went silent or answered only 5xx: the batch stops after
/// `stall_timeout` (at least a minute) with exit 3, and `resume` finishes it; a working service beside failing
/// requests — a slow upload in flight — keeps it going. Not serialized: each test waits out a window of its
/// own against its own LocalOSS, most of it idle.
@Suite struct LostServiceTests {
    /// The shortest window (`stall_timeout`, which must exceed `retries.max_delay`, under a minute is a
    /// minute) and retries that end a job in about 2.5 s: without the rule the batch below runs every job
    /// through all its attempts.
    private static let lostWindow = ["stall_timeout: 10s", "retries: {attempts: 6, base_delay: 100ms, max_delay: 1s}"]

    /// 300 small files under `lostWindow`, every upload after the first 20 answered 503: the manifest.
    private static func threeHundredFilesRefusedAfter20(_ h: EngineHarness) throws -> String {
        for i in 0..<300 { try h.writeFile("f\(i).txt", size: 100 + i, seed: UInt64(i)) }
        let manifest = try h.writeManifest(upload: lostWindow)
        h.server.faults.add(
            FaultRule(
                operation: .putObject,
                skip: 20,
                count: nil,
                action: .fail(status: 503, code: .serviceUnavailable)
            )
        )
        return manifest
    }

    /// The last line saying the requests began or stopped being held.
    private static func lastHoldEvent(_ result: ProcessResult) -> String? {
        result.stderrLines.last { $0.contains("looks lost: ") || $0.contains("works again: ") }
    }

    /// Stops the service of `h` from answering after its first 20 uploads with `action`, runs 2,000 small
    /// files, and checks the batch stops as lost with exit 3 a minute after, then that `resume` finishes it
    /// once the service is back.
    private func expectLostThenResumes(_ h: EngineHarness, _ action: FaultAction, reason: String) async throws {
        for i in 0..<2_000 { try h.writeFile("f\(i).txt", size: 100 + i % 300, seed: UInt64(i)) }
        let manifest = try h.writeManifest(upload: Self.lostWindow)
        h.server.faults.add(FaultRule(operation: .putObject, skip: 20, count: nil, action: action))
        let result = try await h.run(manifest, ["--progress-interval", "10"])
        #expect(result.exitCode == 3, "\(result.stdout)\(result.stderr)")
        // Not a speed test: without the rule, 1,980 jobs through 6 attempts each, 16 at a time, take five
        // minutes; the bounds only have to tell the two apart, and the stop from one too early.
        #expect(result.ranFor < .seconds(150), "took \(result.ranFor)")
        #expect(result.ranFor >= .seconds(60), "not before the window: took \(result.ranFor)")
        // A line when the requests began to be held (again, if one of the last 20 answers came after the first
        // failures: a sign of life), and none saying the service works after the last; one for the stop.
        let held = result.stderrLines.filter { $0.contains("looks lost: ") }
        #expect(!held.isEmpty, "\(result.stderr)")
        #expect(held.first?.contains("requests are held, one sent every 2.5 s") == true, "\(result.stderr)")
        #expect(Self.lastHoldEvent(result)?.contains("looks lost: ") == true, "\(result.stderr)")
        // The progress lines (every 10 s) say so instead of an ETA nothing moving would make up.
        let progress = result.stderrLines.filter { $0.hasPrefix("progress: ") }
        #expect(!progress.isEmpty && progress.allSatisfy { $0.contains("(the service looks lost)") }, "\(progress)")
        #expect(!progress.contains { $0.contains("ETA") }, "\(progress)")
        let stops = result.stderrLines.filter { $0.contains("ServiceUnreachable") }
        #expect(stops.count == 1, "\(result.stderr)")
        #expect(stops.first?.contains("ServiceUnreachable: lost \(h.endpoint)") == true, "\(result.stderr)")
        #expect(stops.first?.contains(reason) == true, "\(result.stderr)")
        #expect(result.stdout.contains("to continue: ossbatch resume"), "\(result.stdout)")
        let report = try h.report()
        #expect(report.status == .fatal)
        #expect(report.fatalError?.code == "ServiceUnreachable")
        #expect(report.totals.succeeded >= 20, "\(report.totals)")
        #expect(report.totals.pending > 1_000, "the jobs never tried stay pending: \(report.totals)")
        // Held, not sent through all their attempts: before, every job met in the window failed (hundreds).
        #expect(report.totals.failed == 0, "\(report.totals)")
        h.server.faults.removeAll()
        let resumed = try await h.resume()
        #expect(resumed.exitCode == 0, "\(resumed.stderr)")
        #expect(try h.report().status == .succeeded)
        try h.expectAllStoredExactly()
        h.expectNoSecrets(in: [result.stdout, result.stderr, resumed.stdout, resumed.stderr])
    }

    /// The service dies after answering (every connection reset): before, every remaining file went through
    /// all its attempts, a large batch for days; now the batch stops once nothing but failures came for the
    /// window.
    @Test func aServiceThatDiesAfterItsFirstAnswersStopsTheBatchAfterTheWindowAndResumeFinishes() async throws {
        let h = try await EngineHarness.start("lost-reset")
        defer { Task { await h.stop() } }
        try await expectLostThenResumes(h, .resetAfterBodyBytes(0), reason: "(last: connection reset")
    }

    /// A balancer whose backends are gone answers every request 503: answers, but none from a working service.
    @Test func aServiceThatAnswersOnly503AfterItsFirstAnswersStopsTheBatchAfterTheWindow() async throws {
        let h = try await EngineHarness.start("lost-503")
        defer { Task { await h.stop() } }
        try await expectLostThenResumes(
            h,
            .fail(status: 503, code: .serviceUnavailable),
            reason: "answered only server errors (5xx) for 1 m"
        )
    }

    /// A service that answers only 503 for 20 s, then works again: the requests are held after the first
    /// failures, a probe every 2.5 s, and go on once one is answered. Before, every job met in those 20 s went
    /// through its attempts (about 2.5 s each) and failed: exit 1 and a resume for a blip.
    @Test func aServiceBackWithinTheWindowLetsTheHeldRequestsGoOnAndNoJobFails() async throws {
        let h = try await EngineHarness.start("back-503")
        defer { Task { await h.stop() } }
        let manifest = try Self.threeHundredFilesRefusedAfter20(h)
        let back = Task {
            try await Task.sleep(for: .seconds(20))
            h.server.faults.removeAll()
        }
        let result = try await h.run(manifest)
        try await back.value
        #expect(result.exitCode == 0, "\(result.stdout)\(result.stderr)")
        #expect(result.stderrLines.contains { $0.contains("looks lost: ") }, "\(result.stderr)")
        #expect(Self.lastHoldEvent(result)?.contains("works again: the requests held for") == true, "\(result.stderr)")
        #expect(!result.stderr.contains("ServiceUnreachable"), "\(result.stderr)")
        let report = try h.report()
        #expect(report.status == .succeeded)
        #expect(report.totals.succeeded == 300 && report.totals.failed == 0, "\(report.totals)")
        try h.expectAllStoredExactly()
    }

    /// SIGINT while the requests are held: nothing of theirs is in flight, so they have no grace to finish in —
    /// the run ends at once (exit 130), their jobs pending, none failed. (Held until the grace ran out, they
    /// waited the whole 30 s, and could go as probes after the signal.)
    @Test func anInterruptWhileTheRequestsAreHeldEndsTheRunAtOnceWithTheirJobsPending() async throws {
        let h = try await EngineHarness.start("held-sigint")
        defer { Task { await h.stop() } }
        let manifest = try Self.threeHundredFilesRefusedAfter20(h)
        let process = try h.start([
            "run", manifest, "--report", h.reportPath, "--progress-interval", "3600", "--stop-grace", "30",
        ])
        #expect(await process.waitForStderr(containing: "looks lost: "))
        let interrupted = ContinuousClock.now
        await h.interrupt(process)
        let result = await process.wait(timeout: .seconds(60))
        #expect(result.exitCode == 130, "\(result.stderr)")
        #expect(ContinuousClock.now - interrupted < .seconds(15), "the held requests waited out the grace")
        let report = try h.report()
        #expect(report.status == .interrupted)
        #expect(report.totals.failed == 0 && report.totals.succeeded == 20, "\(report.totals)")
        h.server.faults.removeAll()
        let resumed = try await h.resume()
        #expect(resumed.exitCode == 0, "\(resumed.stderr)")
        try h.expectAllStoredExactly()
    }

    /// A large file sent slowly (under a bandwidth cap) beside files the service refuses with 503: the refused
    /// files' failures hold the requests at first, but the slow upload shows a working service once it has been
    /// in flight longer than an attempt against a dead endpoint lasts; then the refused files fail (exit 1) and
    /// the batch goes on. (The first version of the lost-service rule stopped this batch; so does this one
    /// without the proof of a live request, at about 62 s.)
    @Test func aSlowUploadBesideRefusedFilesShowsAWorkingServiceAndTheBatchGoesOn() async throws {
        let h = try await EngineHarness.start("slow-beside-503")
        defer { Task { await h.stop() } }
        // First in key order, so that it is in flight from the start: 120 s or more at 20 KiB/s. The refused
        // files each take 6 answers a second late: held to a probe every 2.5 s until the slow upload has lived a
        // minute, then 3 at a time, 1.2 s an attempt: all failed by about 100 s, before the slow upload ends.
        try h.writeFile("a-slow.bin", size: 2_400_000, seed: 1)
        for i in 0..<16 { try h.writeFile("b-refused-\(i).txt", size: 100 + i, seed: UInt64(10 + i)) }
        let manifest = try h.writeManifest(upload: [
            "stall_timeout: 10s", "retries: {attempts: 6, base_delay: 100ms, max_delay: 200ms}", "concurrency: 4",
            "bandwidth: 20KiB",
        ])
        for action in [FaultAction.delay(milliseconds: 1_000), .fail(status: 503, code: .serviceUnavailable)] {
            h.server.faults.add(FaultRule(operation: .putObject, keyContains: "b-refused-", count: nil, action: action))
        }
        let result = try await h.run(manifest)
        #expect(result.exitCode == 1, "\(result.stdout)\(result.stderr)")
        #expect(!result.stderr.contains("ServiceUnreachable"), "\(result.stderr)")
        #expect(result.ranFor > .seconds(60), "took \(result.ranFor)")
        // Held after the refused files' first failures; let go once the slow upload had lived a minute.
        #expect(result.stderrLines.filter { $0.contains("looks lost: ") }.count >= 1, "\(result.stderr)")
        #expect(result.stderrLines.contains { $0.contains("works again") }, "\(result.stderr)")
        let report = try h.report()
        #expect(report.totals.succeeded == 1 && report.totals.failed == 16, "\(report.totals)")
        #expect(report.jobs.first { $0.spec.objectKey.path.hasSuffix("a-slow.bin") }?.status == .succeeded)
    }
}
