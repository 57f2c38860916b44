import Foundation
import LocalOSS
import OSSBatch
import TestSupport
import Testing

/// SIGINT, SIGTERM and SIGHUP against the real binary: exit codes, a second signal stopping at once, progress saved,
/// and how much of what was sent an interrupt keeps under a bandwidth cap.
@Suite(.serialized)
struct EngineSignalTests {
    /// Three multipart files whose first parts go through at once and whose later parts hang for 20 s, so
    /// only cancellation can end them.
    /// Three multipart files whose parts after the fourth hang until the test opens `gate` (a delay let the
    /// batch go on, and finish a file, while a loaded pool kept the test's task from its signal).
    private func startHangingBatch(
        _ h: EngineHarness,
        extra: [String] = []
    ) async throws -> (RunningProcess, gate: String) {
        for i in 0..<3 { try h.writeFile("big-\(i).bin", size: 3_000_000, seed: UInt64(i)) }
        let gate = h.hold(after: 4)
        let manifest = try h.writeManifest(upload: ["concurrency: 4", "part_size: 256KiB", "multipart_threshold: 1MiB"])
        let process = try h.start(["run", manifest, "--report", h.reportPath, "--progress-interval", "3600"] + extra)
        try await waitUntil { h.server.log.all.filter { $0.operation == .uploadPart && $0.status == 200 }.count >= 4 }
        // The hanging parts are in flight.
        try await waitUntil { h.server.stats.snapshot.requestsInFlight >= 2 }
        return (process, gate)
    }

    private func waitUntil(_ condition: () -> Bool) async throws {
        let deadline = ContinuousClock.now + .seconds(30)
        while !condition() {
            guard ContinuousClock.now < deadline else { throw CancellationError() }
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    @Test(arguments: [(SIGINT, Int32(130)), (SIGTERM, Int32(143))])
    func aSecondSignalStopsAtOnceWithTheSignalsExitCodeProgressSavedAndResumeFinishesExactly(
        signal: Int32,
        exitCode: Int32
    ) async throws {
        let h = try await EngineHarness.start("signal-twice")
        defer { Task { await h.stop() } }
        // A grace period of 60 s for parts that hang: only the second signal can end the run early.
        let (process, gate) = try await startHangingBatch(h, extra: ["--stop-grace", "60"])
        let first = ContinuousClock.now
        process.signal(signal)
        // The second signal must reach a process that is still stopping gracefully: it goes the moment the
        // first one's stop has begun, from a dispatch thread (a fixed pause, or the test's task resumed late by
        // a loaded pool, could let the graceful stop end first).
        let name = signal == SIGINT ? "SIGINT" : "SIGTERM"
        process.signal(signal, after: .zero) { process.stderrSoFar.contains("\(name): stopping") }
        let stopped = await process.wait(timeout: .seconds(90))
        let afterFirst = stopped.endedAt - first
        #expect(stopped.exitCode == exitCode, "\(stopped.stderr)")
        #expect(!stopped.signaled)
        // The grace period is 60 s and the parts hang (curl gives up on them after 30 s): only an immediate
        // stop is this fast, with room for a loaded machine.
        #expect(afterFirst < .seconds(10), "stopped \(afterFirst) after the first signal")
        #expect(stopped.stderr.contains("again: stopping now"), "\(stopped.stderr)")

        let report = try h.report()
        #expect(report.status == .interrupted)
        #expect(report.runs.last?.exitCode == exitCode)
        #expect(report.totals.pending == 3 && report.totals.failed == 0)
        let checkpoints = try FileManager.default.contentsOfDirectory(atPath: h.checkpointDir).filter {
            $0.hasSuffix(".json")
        }
        #expect(!checkpoints.isEmpty, "multipart progress must be saved on an immediate stop too")

        h.server.faults.removeAll()
        h.server.faults.open(gate: gate)  // the stopped run's held parts answer no one
        let resumed = try await h.resume()
        #expect(resumed.exitCode == 0, "\(resumed.stderr)")
        let final = try h.report()
        #expect(final.status == .succeeded)
        let reused = final.jobs.reduce(0) { $0 + ($1.outcome.partsReused ?? 0) }
        #expect(reused >= 4, "the parts confirmed before the signals are not sent again")
        try h.expectAllStoredExactly()
        h.expectNoSecrets(in: [stopped.stdout, stopped.stderr, resumed.stdout, resumed.stderr])
    }

    @Test func oneSigtermStopsGracefullyWithExit143AndResumeFinishes() async throws {
        let h = try await EngineHarness.start("sigterm")
        defer { Task { await h.stop() } }
        let (process, gate) = try await startHangingBatch(h)
        let sent = ContinuousClock.now
        process.signal(SIGTERM)
        let stopped = await process.wait(timeout: .seconds(30))
        let took = stopped.endedAt - sent
        #expect(stopped.exitCode == 143, "\(stopped.stderr)")
        // In-flight requests get the grace period (3 s), then are cancelled: they would hang for ever.
        #expect(took >= .milliseconds(2500) && took < .seconds(10), "stopped after \(took)")
        let report = try h.report()
        #expect(report.status == .interrupted)
        #expect(report.runs.last?.exitCode == 143)
        #expect(report.totals.pending == 3)
        h.server.faults.removeAll()
        h.server.faults.open(gate: gate)  // the stopped run's held parts answer no one
        let resumed = try await h.resume()
        #expect(resumed.exitCode == 0, "\(resumed.stderr)")
        try h.expectAllStoredExactly()
    }

    /// The terminal of an operator's session closed (or `kill -HUP`): a graceful stop as for SIGTERM, with
    /// exit 129 (128 + 1). By the default action the process ended at once, its report left `running`.
    @Test func aHangupStopsGracefullyWithExit129AndResumeFinishes() async throws {
        let h = try await EngineHarness.start("sighup")
        defer { Task { await h.stop() } }
        let (process, gate) = try await startHangingBatch(h)
        process.signal(SIGHUP)
        let stopped = await process.wait(timeout: .seconds(30))
        #expect(stopped.exitCode == 129 && !stopped.signaled, "\(stopped)")
        #expect(stopped.stderrLines.contains("notice: SIGHUP: stopping"), "\(stopped.stderr)")
        let report = try h.report()
        #expect(report.status == .interrupted)
        #expect(report.runs.last?.exitCode == 129)
        #expect(report.totals.pending == 3)
        h.server.faults.removeAll()
        h.server.faults.open(gate: gate)  // the stopped run's held parts answer no one
        let resumed = try await h.resume()
        #expect(resumed.exitCode == 0, "\(resumed.stderr)")
        try h.expectAllStoredExactly()
    }

    /// Started under `nohup` (SIGHUP ignored, as a process inherits it), a hangup is left ignored: the
    /// operator asked for the run to outlive the terminal.
    @Test func underNohupAHangupIsLeftIgnoredAndTheRunFinishes() async throws {
        let h = try await EngineHarness.start("nohup")
        defer { Task { await h.stop() } }
        for i in 0..<3 { try h.writeFile("f\(i).bin", size: 1000, seed: UInt64(i)) }
        h.server.faults.add(FaultRule(operation: .putObject, count: nil, action: .hold(gate: "end")))
        defer { h.server.faults.open(gate: "end") }
        let manifest = try h.writeManifest(upload: ["concurrency: 1"])
        let process = try h.startAfterPython(
            "signal.signal(signal.SIGHUP, signal.SIG_IGN)",
            ["run", manifest, "--report", h.reportPath]
        )
        try await waitUntil { h.server.stats.snapshot.requestsInFlight >= 1 }
        process.signal(SIGHUP)
        try await Task.sleep(for: .milliseconds(500))
        #expect(process.process.isRunning, "a hangup under nohup must not stop the run")
        h.server.faults.open(gate: "end")
        let finished = await process.wait(timeout: .seconds(60))
        #expect(finished.exitCode == 0 && !finished.signaled, "\(finished)")
        #expect(!finished.stderr.contains("SIGHUP"))
        try h.expectAllStoredExactly()
    }

    /// Signals are caught from before the banner on: one SIGINT as soon as the banner shows — before the
    /// credentials are found and the first request is sent — ends the run as interrupted, with its report.
    /// Started with SIGINT blocked (inherited from a dispatch worker thread of the parent, as under a test
    /// runner): the signal must still arrive.
    @Test func oneSigintAsSoonAsTheBannerShowsEndsTheRunAsInterruptedWithItsReport() async throws {
        let h = try await EngineHarness.start("sigint-early")
        defer { Task { await h.stop() } }
        for i in 0..<3 { try h.writeFile("f\(i).bin", size: 1000, seed: UInt64(i)) }
        h.server.faults.add(FaultRule(operation: .putObject, count: nil, action: .hold(gate: "end")))
        defer { h.server.faults.open(gate: "end") }
        let manifest = try h.writeManifest(upload: ["concurrency: 1"])
        let process = try h.startWithStopSignalsBlocked([
            "run", manifest, "--report", h.reportPath, "--progress-interval", "3600",
        ])
        #expect(await process.waitForStderr(containing: "ossbatch: 3 files"))
        process.signal(SIGINT)
        let stopped = await process.wait(timeout: .seconds(60))
        #expect(stopped.exitCode == 130, "\(stopped.stderr)")
        let report = try h.report()
        #expect(report.status == .interrupted)
        #expect(report.runs.last?.exitCode == 130)
        h.server.faults.open(gate: "end")
        let resumed = try await h.resume()
        #expect(resumed.exitCode == 0, "\(resumed.stderr)")
        try h.expectAllStoredExactly()
    }

    /// `arguments` run with the credentials to come from a metadata service that takes the connection and
    /// never answers (listening, never accepting: the kernel's backlog makes the connection), and a SIGTERM a
    /// second after its start-up line: the lookup is in flight then. Checks that it ended 143 saying so.
    static func sigtermWhileTheCredentialServiceHangs(_ h: EngineHarness, _ arguments: [String]) async throws {
        let silent = try await SilentListener.start()
        defer { silent.stop() }
        let process = try h.start(
            arguments + ["--progress-interval", "3600"],
            environment: silent.asMetadataService(home: h.dir.path)
        )
        #expect(await process.waitForStderr(containing: "ossbatch: "))
        try await Task.sleep(for: .seconds(1))
        process.signal(SIGTERM)
        // Not cancelled, the lookup ran its three 30-second tries and the run ended fatal, exit 3.
        let stopped = await process.wait(timeout: .seconds(120))
        #expect(stopped.exitCode == 143, "\(stopped.stderr)")
        #expect(stopped.stderr.contains("SIGTERM while the credentials were looked up"), "\(stopped.stderr)")
    }

    /// A SIGTERM while the credentials are looked up from a metadata service that takes the connection and
    /// never answers: the lookup is cancelled and the run ends at once, `interrupted`, 143, nothing sent. Before,
    /// the signal waited for the lookup's three 30-second tries (86 s, near systemd's stop timeout), and the run
    /// then ended as `fatal` `NoCredentials`, exit 3.
    @Test func aSigtermWhileTheCredentialServiceHangsEndsTheRunAtOnceAsInterrupted() async throws {
        let h = try await EngineHarness.start("sigterm-credentials")
        defer { Task { await h.stop() } }
        try h.writeFile("f.bin", size: 1000)
        let manifest = try h.writeManifest()
        try await Self.sigtermWhileTheCredentialServiceHangs(h, ["run", manifest, "--report", h.reportPath])
        let report = try h.report()
        #expect(report.status == .interrupted && report.fatalError == nil)
        #expect(report.runs.last?.exitCode == 143)
        #expect(h.server.log.all.isEmpty, "nothing is sent")
        let resumed = try await h.resume()
        #expect(resumed.exitCode == 0, "\(resumed.stderr)")
        try h.expectAllStoredExactly()
    }

    /// The same during a `resume` of a night that ended `fatal` (OSS refused it): its new `runs` entry says
    /// `interrupted`, exit 143 (the report's own status stays what the run before left). Before, the entry copied
    /// the report's `fatal` beside exit 143 and the error `Interrupted`.
    @Test func aSigtermWhileAResumeLooksUpTheCredentialsRecordsThatRunAsInterrupted() async throws {
        let h = try await EngineHarness.start("sigterm-credentials-resume")
        defer { Task { await h.stop() } }
        try h.writeFile("f.bin", size: 1000)
        let manifest = try h.writeManifest()
        h.server.faults.add(
            FaultRule(operation: .putObject, count: nil, action: .fail(status: 403, code: .accessDenied))
        )
        #expect(try await h.run(manifest).exitCode == 3)
        h.server.faults.removeAll()
        try await Self.sigtermWhileTheCredentialServiceHangs(h, ["resume", h.reportPath])
        let report = try h.report()
        let last = try #require(report.runs.last)
        #expect(last.command == "resume" && last.status == .interrupted && last.exitCode == 143, "\(last)")
        #expect(report.status == .fatal)
    }

    /// Under a cap of 1 MiB/s with 1 MiB parts, one file gets 3 parts in flight (what the cap sends in the
    /// 3 s grace period), not all 16 request slots: an interrupt then keeps most of what was sent.
    @Test func underABandwidthCapOneFileHasFewPartsInFlightAndAnInterruptKeepsMostBytesSent() async throws {
        let h = try await EngineHarness.start("cap")
        defer { Task { await h.stop() } }
        try h.writeFile("big.bin", size: 20 << 20, seed: 4)
        let manifest = try h.writeManifest(upload: [
            "concurrency: 16", "part_size: 1MiB", "multipart_threshold: 1MiB", "bandwidth: 1MiB",
        ])
        let process = try h.start(["run", manifest, "--report", h.reportPath, "--progress-interval", "3600"])
        // Mid-way: 1.5 MiB received is half of each of 3 parts (now), a tenth of each of 16 (before).
        // Sent from a dispatch thread the moment it holds: from the test's task, resumed late on a loaded pool,
        // the signal could come after the 20 s the whole file takes.
        process.signal(SIGINT, after: .zero) { h.server.stats.snapshot.bytesReceived >= 3 << 19 }
        let stopped = await process.wait(timeout: .seconds(30))
        #expect(stopped.exitCode == 130, "\(stopped.stderr)")

        let inFlight = h.server.stats.snapshot.maxRequestsInFlight
        let sent = h.server.stats.snapshot.bytesReceived
        let client = h.makeClient()
        var kept: Int64 = 0
        for upload in try await client.listMultipartUploads(bucket: h.bucket, prefix: "data/big.bin") {
            let parts = try await client.listParts(bucket: h.bucket, key: upload.key, uploadID: upload.uploadID)
            kept += parts.reduce(0) { $0 + $1.size }
        }
        print(
            "cap 1 MiB/s, 1 MiB parts, SIGINT after 1.5 MiB: \(inFlight) requests in flight at most, \(sent) bytes sent, \(kept) kept"
        )
        #expect(inFlight <= 3, "parts of one file in flight under the cap")
        #expect(sent > 1 << 20)
        #expect(Double(kept) >= 0.8 * Double(sent), "sent \(sent) bytes, kept \(kept)")
    }

    /// The same for a file too large for 10,000 parts of the manifest's 100 KiB: its plan's parts are larger
    /// (1 MiB here), and the parts in flight are counted by them. Counted by the manifest's, 16 parts went at
    /// once under the cap and an interrupt kept nothing of them (review of b827939).
    @Test func underABandwidthCapAFileWithEnlargedPartsHasFewPartsInFlight() async throws {
        let h = try await EngineHarness.start("cap-enlarged")
        defer { Task { await h.stop() } }
        // Sparse: 10,000 parts of 100 KiB and a byte.
        let url = try h.writeFile("big.bin", size: 0)
        let handle = try FileHandle(forWritingTo: url)
        try handle.truncate(atOffset: 10_000 * (100 << 10) + 1)
        try handle.close()
        let manifest = try h.writeManifest(upload: [
            "concurrency: 16", "part_size: 100KiB", "multipart_threshold: 100KiB", "bandwidth: 1MiB",
        ])
        let process = try h.start(["run", manifest, "--report", h.reportPath, "--progress-interval", "3600"])
        process.signal(SIGINT, after: .zero) { h.server.stats.snapshot.bytesReceived >= 3 << 19 }
        let stopped = await process.wait(timeout: .seconds(30))
        #expect(stopped.exitCode == 130, "\(stopped.stderr)")
        let inFlight = h.server.stats.snapshot.maxRequestsInFlight
        #expect(inFlight <= 3, "parts of one file in flight under the cap: \(inFlight)")
    }
}
