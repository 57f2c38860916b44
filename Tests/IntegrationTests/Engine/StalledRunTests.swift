import Foundation
import OSSBatch
import Synchronization
import TestSupport
import Testing

/// A source on a file system that stopped answering (a hung NFS mount): a read or an open that never returns,
/// made so by `HangingFilesShim` loaded into the real binary. Before `RunWatchdog`, such a run never ended:
/// not on its own, not on SIGTERM (its grace was a task on the stuck threads), and every later cron start met
/// its lock.
@Suite struct StalledRunTests {
    static let shim = Products.url("libHangingFilesShim.so").path

    /// The shim's environment: calls about names holding `stuck-file` (`variable`: `HANGING_READ`,
    /// `HANGING_OPEN`, `HANGING_STAT`) wait for ever in a read of `fifo(h)`, a call about a file, which the
    /// stall's message names as it would a hung NFS read.
    static func hanging(_ h: EngineHarness, _ variable: String) -> [String: String?] {
        mkfifo(fifo(h), 0o600)
        return ["LD_PRELOAD": shim, variable: "stuck-file", "HANGING_FIFO": fifo(h)]
    }

    static func fifo(_ h: EngineHarness) -> String { h.dir.path + "/hang.fifo" }

    /// The shortest stall limit a manifest may give (and retries that wait less).
    static let quickStall = ["stall_timeout: 10s", "retries: {max_delay: 1s}"]

    /// Five small files and `stuck-file.bin`, whose calls the shim makes wait.
    static func writeSources(_ h: EngineHarness, stuckSize: Int = 300_000) throws {
        for i in 0..<5 { try h.writeFile("f\(i).bin", size: 3_000, seed: UInt64(i + 1)) }
        try h.writeFile("stuck-file.bin", size: stuckSize, seed: 9)
    }

    /// `writeSources`, then a run in which the open or read (`variable`) of `stuck-file.bin` never returns.
    static func start(
        _ h: EngineHarness,
        hanging variable: String,
        upload: [String] = quickStall
    ) throws -> RunningProcess {
        try writeSources(h)
        let manifest = try h.writeManifest(upload: upload)
        return try h.start(
            ["run", manifest, "--report", h.reportPath, "--progress-interval", "3600"],
            environment: hanging(h, variable)
        )
    }

    /// The stopped run's report, read by `JSONSerialization`: its status, its fatal error's code, and each
    /// job's status by key.
    static func stoppedReport(_ h: EngineHarness) throws -> (status: String?, code: String?, jobs: [String: String]) {
        let (document, lines) = try h.reportAsJSON()
        let fatal = document["fatal_error"] as? [String: Any]
        var jobs: [String: String] = [:]
        for line in lines {
            if let key = line["key"] as? String { jobs[key] = line["status"] as? String }
        }
        return (document["status"] as? String, fatal?["code"] as? String, jobs)
    }

    /// What every test ends with: the stuck job is left for `resume`, which (the file system back) finishes
    /// the batch: the lock was let go, and every object is exact.
    static func expectResumeFinishes(_ h: EngineHarness) async throws {
        let resumed = try await h.resume()
        #expect(resumed.exitCode == 0, "\(resumed.stderr)")
        try h.expectAllStoredExactly()
    }

    @Test func aReadThatNeverReturnsStopsTheRunAsStalledWithItsReportAndResumeFinishes() async throws {
        let h = try await EngineHarness.start("stalled-read")
        defer { Task { await h.stop() } }
        // The transport's one thread is stuck in the read: every transfer stops with it, timeouts included.
        let result = await (try Self.start(h, hanging: "HANGING_READ")).wait(timeout: .seconds(120))
        #expect(!result.signaled && result.exitCode == 3, "exit \(result.exitCode)\n\(result.stderr)")
        #expect(result.stderr.contains("no progress for 10 s"), "\(result.stderr)")
        #expect(result.stderr.contains("; waiting in read of \(Self.fifo(h))"), "\(result.stderr)")
        #expect(result.stderr.contains("in calls that do not return; writing the report"), "\(result.stderr)")
        #expect(result.stdout.contains("Stalled") && result.stdout.contains("ossbatch resume"), "\(result.stdout)")
        let report = try Self.stoppedReport(h)
        #expect(report.status == "fatal" && report.code == "Stalled", "\(report)")
        #expect(report.jobs["data/stuck-file.bin"] == "pending", "\(report.jobs)")
        try await Self.expectResumeFinishes(h)
    }

    @Test func anOpenThatNeverReturnsStopsTheRunNamingTheFileAndTheOthersAreUploaded() async throws {
        let h = try await EngineHarness.start("stalled-open")
        defer { Task { await h.stop() } }
        // A job's own thread is stuck in `open`: the other jobs go on and finish; then nothing moves.
        let result = await (try Self.start(h, hanging: "HANGING_OPEN")).wait(timeout: .seconds(120))
        #expect(!result.signaled && result.exitCode == 3, "exit \(result.exitCode)\n\(result.stderr)")
        #expect(
            result.stderr.contains("with 1 file in flight: \(h.dir.path)/src/stuck-file.bin"),
            "\(result.stderr)"
        )
        let report = try Self.stoppedReport(h)
        #expect(report.status == "fatal" && report.code == "Stalled", "\(report)")
        #expect(report.jobs["data/stuck-file.bin"] == "pending", "\(report.jobs)")
        for i in 0..<5 { #expect(report.jobs["data/f\(i).bin"] == "succeeded", "\(report.jobs)") }
        #expect(h.server.objectData(bucket: h.bucket, key: "data/stuck-file.bin") == nil)
        try await Self.expectResumeFinishes(h)
    }

    @Test func aStatThatNeverReturnsEndsThePlanAndTheRunWithExit3AndNothingSent() async throws {
        let h = try await EngineHarness.start("stalled-stat")
        defer { Task { await h.stop() } }
        try Self.writeSources(h, stuckSize: 3_000)
        let manifest = try h.writeManifest(upload: Self.quickStall)
        let hanging = Self.hanging(h, "HANGING_STAT")
        for command in [["plan", manifest], ["run", manifest, "--report", h.reportPath]] {
            let result = await (try h.start(command, environment: hanging)).wait(timeout: .seconds(120))
            #expect(
                !result.signaled && result.exitCode == 3,
                "\(command[0]): exit \(result.exitCode)\n\(result.stderr)"
            )
            #expect(result.stderr.contains("planning has not moved for 10 s"), "\(result.stderr)")
            #expect(result.stderr.contains("; waiting in read of \(Self.fifo(h))"), "\(result.stderr)")
        }
        #expect(h.server.log.all.isEmpty, "nothing is sent")
        #expect(!FileManager.default.fileExists(atPath: h.reportPath))
        // The file system back, the next night's run is not held by the last one.
        #expect(try await h.run(manifest).exitCode == 0)
        try h.expectAllStoredExactly()
    }

    /// A server that takes every request and never answers: no thread waits in a file call, and the stall's
    /// message says so instead of blaming a file system (it always named a hung NFS mount before).
    @Test func aServerThatNeverAnswersStallsTheRunWithoutBlamingAFileSystem() async throws {
        let h = try await EngineHarness.start("stalled-server")
        defer { Task { await h.stop() } }
        try Self.writeSources(h, stuckSize: 3_000)
        let gate = h.hold(.putObject, after: 0)
        let manifest = try h.writeManifest(upload: Self.quickStall)
        let result = await (try h.start(["run", manifest, "--report", h.reportPath])).wait(timeout: .seconds(120))
        #expect(!result.signaled && result.exitCode == 3, "exit \(result.exitCode)\n\(result.stderr)")
        #expect(result.stderr.contains("no progress for 10 s"), "\(result.stderr)")
        #expect(result.stderr.contains("no thread waits in a file call"), "\(result.stderr)")
        #expect(!result.stderr.contains("NFS"), "\(result.stderr)")
        #expect(try Self.stoppedReport(h).code == "Stalled")
        h.server.faults.open(gate: gate)
        h.server.faults.removeAll()
        try await Self.expectResumeFinishes(h)
    }

    /// A run stopped (SIGSTOP, a frozen cgroup; alike: a suspended machine, a paused VM) for longer than the
    /// stall limit, then continued, is not a stall: nothing could move while it was stopped. Before, the
    /// watchdog's first look after SIGCONT counted the stopped time as quiet and ended the run with exit 3
    /// when nothing had moved yet — here a read that a slow file system answers a second later.
    @Test func aRunStoppedLongerThanTheStallLimitIsNotStalledWhenItContinues() async throws {
        let h = try await EngineHarness.start("stalled-stopped")
        defer { Task { await h.stop() } }
        let mark = h.dir.path + "/hang.mark"
        var environment = Self.hanging(h, "HANGING_READ")
        environment["HANGING_MARK"] = mark
        try Self.writeSources(h)
        let manifest = try h.writeManifest(upload: Self.quickStall)
        let process = try h.start(
            ["run", manifest, "--report", h.reportPath, "--progress-interval", "3600"],
            environment: environment
        )
        // Timed from the moment the read starts to wait, on dispatch threads: the test's own task may be kept
        // off the cooperative pool for seconds by the tests beside it (CI has two cores), and a STOP sent that
        // late came after the stall limit. One second after the wait begins (so that the watchdog has seen the
        // last bytes sent before it: else its first look after SIGCONT would find them, and this test would pass
        // without what it proves) SIGSTOP; 12 s later SIGCONT; a second later the file system answers.
        let waiting: @Sendable () -> Bool = { FileManager.default.fileExists(atPath: mark) }
        process.signal(SIGSTOP, after: .seconds(1), once: waiting)
        process.signal(SIGCONT, after: .seconds(13), once: waiting)
        let answered = Mutex(false)
        DispatchQueue.global().async {
            while !waiting() && process.process.isRunning { usleep(2_000) }
            usleep(14_000_000)
            let result = (try? Self.answer(h)) ?? false
            answered.withLock { $0 = result }
        }
        let result = await process.wait(timeout: .seconds(120))
        #expect(!result.signaled && result.exitCode == 0, "exit \(result.exitCode)\n\(result.stderr)")
        #expect(!result.stderr.contains("no progress"), "\(result.stderr)")
        let wasAnswered = answered.withLock { $0 }
        #expect(wasAnswered, "the run should have waited in the read until answered")
        let report = try Self.stoppedReport(h)
        #expect(report.status == "succeeded", "\(report)")
        try h.expectAllStoredExactly()
    }

    /// Lets the waiting calls of `hanging(h, _:)` return (a byte each, through the FIFO they read), and every
    /// later one: the file system answers again. False when no call was waiting any more (the FIFO has no
    /// reader: the process ended).
    static func answer(_ h: EngineHarness) throws -> Bool {
        let fd = open(fifo(h), O_WRONLY | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        let bytes = [UInt8](repeating: 0, count: 16)
        return write(fd, bytes, bytes.count) == bytes.count
    }

    @Test func aSigtermEndsARunStuckInAReadWithExit143AndItsReport() async throws {
        let h = try await EngineHarness.start("stalled-sigterm")
        defer { Task { await h.stop() } }
        // The default stall limit (10 minutes): the signal is what ends this run. Its grace was a task on the
        // cooperative pool, and the halt after it cancelled requests the stuck transport thread never saw.
        let process = try Self.start(h, hanging: "HANGING_READ", upload: [])
        process.signal(SIGTERM, after: .milliseconds(500)) { h.server.stats.snapshot.requestsInFlight > 0 }
        let result = await process.wait(timeout: .seconds(120))
        #expect(!result.signaled && result.exitCode == 143, "exit \(result.exitCode)\n\(result.stderr)")
        #expect(result.ranFor < .seconds(60))
        #expect(result.stderr.contains("in calls that do not return; writing the report"), "\(result.stderr)")
        let report = try Self.stoppedReport(h)
        #expect(report.status == "interrupted", "\(report)")
        #expect(report.jobs["data/stuck-file.bin"] == "pending", "\(report.jobs)")
        try await Self.expectResumeFinishes(h)
    }
}
