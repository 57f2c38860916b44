import Foundation
import LocalOSS
import OSSBatch
import OSSProtocol
import TestSupport
import Testing

/// The real binary: `resume --batch NAME` resumes every report of the batch that `status` says to resume —
/// the systemd unit's first step, so that nights an outage left unfinished are filled without anyone acting
/// (`resume report.json` alone never came back to a night set aside in `reports/`).
@Suite
struct ResumeBatchTests {
    private static let progress = ["--progress-interval", "3600"]

    /// A harness with `a.bin` and `b.bin` under `web.yaml` (keys `web01/{date}/`), after two nights the unit's
    /// way (one `--report` in the batch's directory, `more` arguments) with OSS refusing every upload: the first
    /// night's report is set aside by the second, whose own is `report.json`. Returns the harness, the two
    /// files and the two reports, the newest first.
    private static func twoStoppedNights(
        _ name: String,
        _ more: [String] = []
    ) async throws -> (h: EngineHarness, a: URL, b: URL, reports: [String]) {
        let (h, a, manifest, state) = try await DatedSnapshotStatusTests.datedWeb(name)
        let b = try h.writeFile("b.bin", size: 2000, seed: 2)
        try FileManager.default.createDirectory(atPath: state.batch("web"), withIntermediateDirectories: true)
        let path = state.batch("web") + "/report.json"
        let report = ["--report", path] + more
        for night in ["2026-10-22T02:00:00Z", "2026-10-23T02:00:00Z"] {
            let stopped = try await DatedSnapshotStatusTests.night(h, manifest, at: night, refused: true, report)
            #expect(stopped.exitCode == 3, "\(stopped.stderr)")
        }
        let aside = try #require(state.reports(ofBatch: "web").first { $0 != path }, "\(state.reports(ofBatch: "web"))")
        return (h, a, b, [path, aside])
    }

    /// OSS refuses every PutObject of a key containing `key` from now on.
    private static func refuse(_ h: EngineHarness, keysContaining key: String, _ status: Int, _ code: OSSErrorCode) {
        h.server.faults.add(
            FaultRule(operation: .putObject, keyContains: key, count: nil, action: .fail(status: status, code: code))
        )
    }

    @Test func everyNightStatusSaysToResumeIsResumedNewestFirstThenNothingIsLeft() async throws {
        let (h, a, b, reports) = try await Self.twoStoppedNights("resume-batch")
        defer { Task { await h.stop() } }
        let listed = try await StatusCommandTests.statusJSON(h, ["web"])
        #expect(listed.exit == 1, "\(listed.document)")
        h.server.stats.reset()

        let resumed = try await h.ossbatch(["resume", "--batch", "web"] + Self.progress)
        #expect(resumed.exitCode == 0, "\(resumed.stderr)")
        #expect(
            resumed.stderr.contains("batch web: resuming 2 reports, newest first: \(reports[0]), \(reports[1])"),
            "\(resumed.stderr)"
        )
        #expect(h.server.stats.snapshot.requestsByOperation == ["PutObject": 4])
        // Resumed in that order, one after the other.
        let newest = try #require(try ReportOverview.read(reports[0]).runs.last)
        let older = try #require(try ReportOverview.read(reports[1]).runs.last)
        #expect(newest.command == "resume" && older.command == "resume")
        #expect(try #require(newest.finishedAt) <= older.startedAt)
        for day in ["2026-10-22", "2026-10-23"] {
            #expect(h.storedMD5("web01/\(day)/a.bin") == (try EngineHarness.md5(of: a)))
            #expect(h.storedMD5("web01/\(day)/b.bin") == (try EngineHarness.md5(of: b)))
        }
        let after = try await StatusCommandTests.statusJSON(h, ["web"])
        #expect(after.exit == 0, "\(after.document)")
        #expect(after.batches["web"]?["other_unfinished"] == nil)

        // Nothing left: no request, exit 0.
        h.server.stats.reset()
        let again = try await h.ossbatch(["resume", "--batch", "web"] + Self.progress)
        #expect(again.exitCode == 0, "\(again.stderr)")
        #expect(again.stderr.contains("batch web: nothing to resume"), "\(again.stderr)")
        #expect(h.server.stats.snapshot.requestsByOperation.isEmpty)
    }

    /// An older night whose report cannot be read (its first line damaged; made another user's by a `sudo`
    /// resume) is listed by `status` (exit 1), and `resume --batch` resumes the others, names it and exits 2.
    /// Before, both left it out and exited 0: that night's files, never uploaded, passed unseen (review of
    /// 486a92e).
    @Test func anOlderNightsReportThatCannotBeReadIsListedAndKeepsResumeBatchFromExiting0() async throws {
        let (h, _, _, reports) = try await Self.twoStoppedNights("resume-batch-unreadable")
        defer { Task { await h.stop() } }
        // The first line is no longer JSON; the file keeps its time (else it passes for the newest night).
        let written = try FileManager.default.attributesOfItem(atPath: reports[1])[.modificationDate]
        let handle = try #require(FileHandle(forWritingAtPath: reports[1]))
        try handle.write(contentsOf: Data("#".utf8))
        try handle.close()
        try FileManager.default.setAttributes([.modificationDate: try #require(written)], ofItemAtPath: reports[1])
        let listed = try await StatusCommandTests.statusJSON(h, ["web"])
        #expect(listed.exit == 1, "\(listed.document)")
        let others = try #require(listed.batches["web"]?["other_unfinished"] as? [[String: Any]], "\(listed.document)")
        #expect(
            others.contains { $0["report"] as? String == reports[1] && $0["status"] as? String == "unreadable" },
            "\(others)"
        )

        h.server.stats.reset()
        let resumed = try await h.ossbatch(["resume", "--batch", "web"] + Self.progress)
        #expect(resumed.exitCode == 2, "\(resumed.stderr)")
        #expect(resumed.stderr.contains("\(reports[1]) cannot be read"), "\(resumed.stderr)")
        #expect(
            resumed.stderr.contains("batch web: resuming 1 report, newest first: \(reports[0])"),
            "\(resumed.stderr)"
        )
        #expect(h.server.stats.snapshot.requestsByOperation == ["PutObject": 2])
        let after = try await StatusCommandTests.statusJSON(h, ["web"])
        #expect(after.exit == 1, "\(after.document)")
    }

    /// An error that fails every request (here OSS refusing every upload: exit 3) would stop each report after
    /// it the same way: the first stops the lot, and the reports left are named.
    @Test func aFatalErrorStopsTheResumesAndNamesTheReportsLeft() async throws {
        let (h, _, _, reports) = try await Self.twoStoppedNights("resume-batch-fatal")
        defer { Task { await h.stop() } }
        let before = try ReportOverview.read(reports[1]).runs.count
        Self.refuse(h, keysContaining: "web01/", 403, .accessDenied)
        let stopped = try await h.ossbatch(["resume", "--batch", "web"] + Self.progress)
        #expect(stopped.exitCode == 3, "\(stopped.stderr)")
        #expect(
            stopped.stderr.contains(
                "warning: batch web: stopped after \(reports[0]) (exit 3); not resumed: \(reports[1])"
            ),
            "\(stopped.stderr)"
        )
        #expect(try ReportOverview.read(reports[0]).runs.last?.command == "resume")
        #expect(try ReportOverview.read(reports[1]).runs.count == before)
    }

    /// A file that fails every night (here: OSS refusing it) fails the newest night's resume again (exit 1):
    /// the older nights are resumed all the same — their snapshots are what `--batch` is for.
    @Test func filesFailingAgainDoNotKeepTheOlderNightsFromBeingResumed() async throws {
        let (h, a, _, reports) = try await Self.twoStoppedNights(
            "resume-batch-failed",
            ["--set", "upload.retries.attempts=1"]
        )
        defer { Task { await h.stop() } }
        Self.refuse(h, keysContaining: "b.bin", 503, .serviceUnavailable)
        let failed = try await h.ossbatch(["resume", "--batch", "web"] + Self.progress)
        #expect(failed.exitCode == 1, "\(failed.stderr)")
        #expect(!failed.stderr.contains("resume_batch_stopped") && !failed.stderr.contains("not resumed"))
        for day in ["2026-10-22", "2026-10-23"] {
            #expect(h.storedMD5("web01/\(day)/a.bin") == (try EngineHarness.md5(of: a)))
            #expect(h.storedMD5("web01/\(day)/b.bin") == nil)
        }
        for report in reports {
            let last = try #require(try ReportOverview.read(report).runs.last)
            #expect(last.command == "resume" && last.exitCode == 1)
        }
    }

    /// Keys of the newest night held by another process (here the test's own lock on one of them) make that
    /// night's resume busy (exit 4) but are that night's alone: the older night, its keys another day's, is
    /// resumed all the same, and the exit code stays 4. Before, busy stopped the lot.
    @Test func keysAnotherProcessHoldsStopOnlyTheNightTheyAreOf() async throws {
        let (h, a, b, reports) = try await Self.twoStoppedNights("resume-batch-key-busy")
        defer { Task { await h.stop() } }
        let locks = try KeyLocks.forBucket(h.bucket, in: StateDirectory(path: h.stateDir))
        #expect(try locks.lock("web01/2026-10-23/a.bin") == nil)
        defer { locks.unlock("web01/2026-10-23/a.bin") }
        let result = try await h.ossbatch(["resume", "--batch", "web"] + Self.progress)
        #expect(result.exitCode == 4, "\(result.stderr)")
        #expect(!result.stderr.contains("not resumed"), "\(result.stderr)")
        #expect(try ReportOverview.read(reports[0]).runs.last?.exitCode == 4)
        #expect(try ReportOverview.read(reports[1]).runs.last?.exitCode == 0)
        #expect(h.storedMD5("web01/2026-10-23/a.bin") == nil)
        #expect(h.storedMD5("web01/2026-10-23/b.bin") == (try EngineHarness.md5(of: b)))
        #expect(h.storedMD5("web01/2026-10-22/a.bin") == (try EngineHarness.md5(of: a)))
        #expect(h.storedMD5("web01/2026-10-22/b.bin") == (try EngineHarness.md5(of: b)))
    }

    /// The batch's lock taken after the listing (a run of the batch starting; here the test holding it): the
    /// newest night's resume is refused at it (exit 4, recorded), and so would every other be: the resumes
    /// stop there, the reports left named and untouched.
    @Test func theBatchsLockHeldStopsTheResumesAndNamesTheReportsLeft() async throws {
        let (h, _, _, reports) = try await Self.twoStoppedNights("resume-batch-lock-held")
        defer { Task { await h.stop() } }
        let lock = try BatchLock.acquire(
            manifest: try ReportOverview.read(reports[0]).manifest,
            bucket: h.bucket,
            report: reports[0],
            command: "run",
            in: StateDirectory(path: h.stateDir)
        )
        defer { lock.release() }
        let before = try ReportOverview.read(reports[1]).runs.count
        let result = try await h.ossbatch(["resume", "--batch", "web"] + Self.progress)
        #expect(result.exitCode == 4, "\(result.stderr)")
        #expect(
            result.stderr.contains("warning: batch web: its lock is held (a run of it); not resumed: \(reports[1])"),
            "\(result.stderr)"
        )
        #expect(try ReportOverview.read(reports[0]).runs.last?.exitCode == 4)
        #expect(try ReportOverview.read(reports[1]).runs.count == before)
    }

    /// A run its watchdog abandons (a read that never returns: a hung file system) ends the process, as a
    /// fatal error stops the loop: the reports left are named before it ends.
    @Test func anAbandonedRunNamesTheReportsLeftBeforeTheProcessEnds() async throws {
        let quickStall = ["--set", "upload.stall_timeout=10s", "--set", "upload.retries.max_delay=1s"]
        let (h, _, _, reports) = try await Self.twoStoppedNights("resume-batch-abandoned", quickStall)
        defer { Task { await h.stop() } }
        let before = try ReportOverview.read(reports[1]).runs.count
        var hanging = StalledRunTests.hanging(h, "HANGING_READ")
        hanging["HANGING_READ"] = "b.bin"
        let result = await (try h.start(["resume", "--batch", "web"] + Self.progress, environment: hanging))
            .wait(timeout: .seconds(120))
        #expect(!result.signaled && result.exitCode == 3, "exit \(result.exitCode)\n\(result.stderr)")
        #expect(
            result.stderr.contains(
                "warning: batch web: the run of \(reports[0]) was abandoned; not resumed: \(reports[1])"
            ),
            "\(result.stderr)"
        )
        #expect(try ReportOverview.read(reports[0]).runs.last?.command == "resume")
        #expect(try ReportOverview.read(reports[1]).runs.count == before)
    }

    /// Files failed again in the newest night (1), then OSS refuses the older night's uploads (3, as for a
    /// revoked key): the exit code is what stopped it, not the earlier 1.
    @Test func aFatalErrorAfterFilesFailedIsTheExitCode() async throws {
        let (h, _, _, reports) = try await Self.twoStoppedNights(
            "resume-batch-failed-then-fatal",
            ["--set", "upload.retries.attempts=1"]
        )
        defer { Task { await h.stop() } }
        Self.refuse(h, keysContaining: "2026-10-23/b.bin", 503, .serviceUnavailable)
        Self.refuse(h, keysContaining: "2026-10-22/", 403, .accessDenied)
        let result = try await h.ossbatch(["resume", "--batch", "web"] + Self.progress)
        #expect(result.exitCode == 3, "\(result.stderr)")
        #expect(try ReportOverview.read(reports[0]).runs.last?.exitCode == 1)
        #expect(try ReportOverview.read(reports[1]).runs.last?.exitCode == 3)
    }

    /// A night still running (the one before overran): each report would be refused at the batch's lock, the
    /// refusal written into it. Nothing is touched, exit 4, as `resume report.json` did at that report's lock.
    @Test func aBatchRunningNowIsLeftAloneAndNoReportIsTouched() async throws {
        let (h, _, manifest, state) = try await DatedSnapshotStatusTests.datedWeb("resume-batch-running")
        defer { Task { await h.stop() } }
        #expect(
            try await DatedSnapshotStatusTests.night(h, manifest, at: "2026-10-22T02:00:00Z", refused: true).exitCode
                == 3
        )
        let stopped = try #require(state.reports(ofBatch: "web").first)
        let written = try Data(contentsOf: URL(fileURLWithPath: stopped))
        let gate = h.hold(.putObject, after: 0)
        let running = try h.start(
            ["run", manifest, "--quiet"] + Self.progress,
            environment: ["OSSBATCH_NOW": "2026-10-23T02:00:00Z"]
        )
        #expect(await h.waitUntil { h.server.stats.snapshot.requestsInFlight > 0 })
        let busy = try await h.ossbatch(["resume", "--batch", "web"] + Self.progress)
        h.server.faults.open(gate: gate)
        #expect(await running.wait().exitCode == 0)
        #expect(busy.exitCode == 4, "\(busy.stderr)")
        #expect(busy.stderr.contains("busy: the batch web (its report "), "\(busy.stderr)")
        #expect(busy.stderr.contains("nothing was resumed"), "\(busy.stderr)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: stopped)) == written)
    }

    /// `systemctl stop` during the first resume: it stops as any resume does (143), and the next report is not
    /// started.
    @Test func aSignalStopsTheResumesAfterTheReportInHand() async throws {
        let (h, _, _, reports) = try await Self.twoStoppedNights("resume-batch-signal")
        defer { Task { await h.stop() } }
        let before = try ReportOverview.read(reports[1]).runs.count
        let gate = h.hold(.putObject, after: 0)
        let resuming = try h.start(["resume", "--batch", "web"] + Self.progress)
        #expect(await h.waitUntil { h.server.stats.snapshot.requestsInFlight > 0 })
        resuming.signal(SIGTERM)
        // Taken by that resume before its upload may end: else the signal could come after its work.
        #expect(await resuming.waitForStderr(containing: "SIGTERM: stopping"))
        h.server.faults.open(gate: gate)
        let stopped = await resuming.wait()
        #expect(stopped.exitCode == 143, "\(stopped.stderr)")
        #expect(stopped.stderr.contains("not resumed: \(reports[1])"), "\(stopped.stderr)")
        #expect(try ReportOverview.read(reports[0]).status == .interrupted)
        #expect(try ReportOverview.read(reports[1]).runs.count == before)
    }

    /// A manifest copied with its `name:` kept, run by a unit instance of another name: its nights set aside
    /// would go where `resume --batch INSTANCE` never looks. Said every night, until fixed.
    @Test func aReportInAnotherBatchsDirectoryIsWarnedAbout() async throws {
        let (h, _, manifest, state) = try await DatedSnapshotStatusTests.datedWeb("resume-batch-other-dir")
        defer { Task { await h.stop() } }
        for name in ["web", "logs"] {
            try FileManager.default.createDirectory(atPath: state.batch(name), withIntermediateDirectories: true)
        }
        let elsewhere = try await h.ossbatch(["run", manifest, "--report", state.batch("logs") + "/report.json"])
        #expect(elsewhere.exitCode == 0, "\(elsewhere.stderr)")
        #expect(
            elsewhere.stderr.contains(
                "warning: the report \(state.batch("logs"))/report.json is in the directory of batch 'logs', but this "
                    + "manifest's batch is 'web' (its name:)"
            ),
            "\(elsewhere.stderr)"
        )
        let own = try await h.ossbatch(["run", manifest, "--report", state.batch("web") + "/report.json"])
        #expect(
            own.exitCode == 0 && !own.stderr.contains("report_in_another_batch")
                && !own.stderr.contains("directory of batch")
        )
    }

    @Test func aBatchTheStateDirectoryDoesNotHaveIsAnErrorNamingTheOnesItHas() async throws {
        let h = try await EngineHarness.start("resume-batch-unknown")
        defer { Task { await h.stop() } }
        try FileManager.default.createDirectory(
            atPath: StateDirectory(path: h.stateDir).batch("web"),
            withIntermediateDirectories: true
        )
        let unknown = try await h.ossbatch(["resume", "--batch", "wbe"])
        #expect(unknown.exitCode == 2)
        #expect(
            unknown.stderr.contains("error: no batch 'wbe' in the state directory \(h.stateDir) (its batches: web)"),
            "\(unknown.stderr)"
        )
        // A batch with no report yet (the unit's first night) has nothing to resume.
        let empty = try await h.ossbatch(["resume", "--batch", "web"])
        #expect(empty.exitCode == 0 && empty.stderr.contains("batch web: nothing to resume"), "\(empty.stderr)")
    }

    @Test(arguments: [
        (["resume"], "give the report to resume, or --batch NAME"),
        (["resume", "r.json", "--batch", "web"], "give the report to resume or --batch NAME, not both"),
        (["resume", "--batch", "web", "--force"], "--force resumes one aborted report: name it instead of --batch"),
        (
            ["resume", "--batch", "web", "--metrics-file", "m.prom"],
            "--metrics-file describes one run: with --batch, give it to the run that follows instead"
        ),
    ])
    func aResumeThatNamesNeitherOrBothOrMixesBatchWithOneReportsFlagsIsAUsageError(
        arguments: [String],
        message: String
    ) async throws {
        let result = try await ProcessRunner.run(Products.url("ossbatch"), arguments)
        #expect(result.exitCode == 2)
        #expect(result.stderr.hasPrefix("Error: \(message)"), "\(result.stderr)")
    }
}
