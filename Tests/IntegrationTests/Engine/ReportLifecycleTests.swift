import Foundation
import LocalOSS
import OSSBatch
import OSSProtocol
import TestSupport
import Testing

/// Issue 13 items 2 and 6, issue 15 item 4, with the real binary: what `run --report` does with a report
/// already there, default report names and their retention, and every exit recorded in `runs`.
@Suite(.serialized)
struct ReportLifecycleTests {
    @Test func runOverAnInterruptedReportIsRefusedAndItsUploadsStayResumable() async throws {
        let h = try await EngineHarness.start("refuse-interrupted")
        defer { Task { await h.stop() } }
        let manifest = try StateLockTests.slowBatch(h)
        let gate = h.hold()
        let process = try h.start(["run", manifest, "--report", h.reportPath, "--progress-interval", "3600"])
        #expect(await h.waitUntil { h.somePartStored })
        await h.interrupt(process)
        h.server.faults.open(gate: gate)
        #expect(await process.wait().exitCode == 130)
        let before = try Data(contentsOf: URL(fileURLWithPath: h.reportPath))
        #expect(try h.report().status == .interrupted)

        let refused = try await h.run(manifest)
        #expect(refused.exitCode == 2, "\(refused.stderr)")
        #expect(refused.stderr.contains("holds an unfinished batch: it was interrupted"), "\(refused.stderr)")
        #expect(refused.stderr.contains("'ossbatch resume \(h.reportPath)'"))
        #expect(refused.stderr.contains("'ossbatch abort \(h.reportPath)'"))
        #expect(try Data(contentsOf: URL(fileURLWithPath: h.reportPath)) == before, "the report is untouched")

        h.server.faults.removeAll()
        let recorded = EngineResumeTests.recordedParts(in: h.checkpointDir)
        #expect(!recorded.isEmpty)
        // By arrival: the interrupted run's held parts are logged when answered, which may be after this.
        let arrivedBefore = h.server.log.arrived
        let resumed = try await h.resume()
        #expect(resumed.exitCode == 0, "\(resumed.stderr)")
        let resent = h.server.log.all.filter {
            $0.arrival >= arrivedBefore && $0.operation == .uploadPart
                && recorded.contains("\($0.uploadID ?? "")#\($0.partNumber ?? 0)")
        }
        #expect(resent.isEmpty, "the interrupted run's parts were kept")
        #expect(!h.server.log.all.contains { $0.operation == .abortMultipartUpload })
        try h.expectAllStoredExactly()
    }

    /// A batch of three multipart files whose parts are refused for good: each job fails with its upload kept
    /// open for `resume` (or `abort`).
    private static func failedWithThreeUploadsOpen(_ h: EngineHarness) async throws -> String {
        for i in 0..<3 { try h.writeFile("big-\(i).bin", size: 1_500_000, seed: UInt64(5 + i)) }
        let manifest = try h.writeManifest(upload: [
            "concurrency: 2", "files_in_flight: 1", "part_size: 512KiB", "multipart_threshold: 1MiB",
            "retries: {attempts: 2, base_delay: 10ms, max_delay: 20ms}",
        ])
        h.server.faults.add(
            FaultRule(operation: .uploadPart, skip: 1, count: nil, action: .fail(status: 400, code: .invalidArgument))
        )
        let failed = try await h.run(manifest)
        #expect(failed.exitCode == 1, "\(failed.stderr)")
        #expect(try h.report().totals.openUploads == 3)
        h.server.faults.removeAll()
        return manifest
    }

    /// An abort whose requests are refused (a RAM policy without AbortMultipartUpload) leaves the uploads open:
    /// `run` over that report is refused, and the advice is to abort again — `resume` refuses an aborted report
    /// (audit of 72b75db: the advice named `resume`). A key whose uploads could not be listed is counted apart
    /// from the uploads (audit: "6 failed" for 3 uploads).
    @Test func runOverAnAbortThatLeftUploadsOpenSaysToAbortAgain() async throws {
        let h = try await EngineHarness.start("refuse-aborted")
        defer { Task { await h.stop() } }
        let manifest = try await Self.failedWithThreeUploadsOpen(h)
        for operation in [OSSOperation.abortMultipartUpload, .listMultipartUploads] {
            h.server.faults.add(
                FaultRule(operation: operation, count: nil, action: .fail(status: 403, code: .accessDenied))
            )
        }
        let abort = try await h.ossbatch(["abort", h.reportPath])
        #expect(abort.exitCode == 1, "\(abort.stderr)")
        #expect(
            abort.stdout.contains("aborted 0 upload(s), 0 already gone, 3 failed, 3 key(s) not listed"),
            "\(abort.stdout)"
        )
        #expect(try h.report().status == .aborted)
        let refused = try await h.run(manifest)
        #expect(refused.exitCode == 2, "\(refused.stderr)")
        #expect(refused.stderr.contains("Run 'ossbatch abort \(h.reportPath)' again"), "\(refused.stderr)")
        #expect(!refused.stderr.contains("ossbatch resume"), "\(refused.stderr)")
        h.server.faults.removeAll()
        let again = try await h.ossbatch(["abort", h.reportPath])
        #expect(again.exitCode == 0, "\(again.stdout)\(again.stderr)")
        #expect(try await h.run(manifest).exitCode == 0)
    }

    /// `abort` against an endpoint it cannot reach stops after two requests fail to connect, before the other
    /// keys (audit of 72b75db: it went through every key, minutes each against a silent endpoint, holding each
    /// key's lock from the nightly run): exit 3, the report not marked aborted, and the same abort, given the
    /// endpoint back, finishes the work.
    @Test func anAbortThatCannotReachTheEndpointStopsEarlyAndCanBeRunAgain() async throws {
        let h = try await EngineHarness.start("abort-unreachable")
        defer { Task { await h.stop() } }
        _ = try await Self.failedWithThreeUploadsOpen(h)
        let abort = try await h.ossbatch(["abort", h.reportPath, "--endpoint", "http://127.0.0.1:1"])
        #expect(abort.exitCode == 3, "\(abort.stdout)\(abort.stderr)")
        #expect(
            abort.stdout.contains("1 failed, 1 key(s) not listed; stopped: the endpoint cannot be reached"),
            "\(abort.stdout)"
        )
        let report = try h.report()
        #expect(report.status != .aborted && report.totals.openUploads == 3, "\(report.status) \(report.totals)")
        #expect(report.runs.last?.error?.code == "ServiceUnreachable")
        let again = try await h.ossbatch(["abort", h.reportPath, "--endpoint", h.endpoint])
        #expect(again.exitCode == 0, "\(again.stdout)\(again.stderr)")
        #expect(again.stdout.contains("aborted 3 upload(s)"), "\(again.stdout)")
    }

    /// Another user's report (a service user's batch, and `sudo ossbatch resume` by root — CI runs as root, the
    /// report is handed to `nobody` here) is refused before anything is written: `resume`, `abort` and `run
    /// --report` each exit 2 and leave it its owner's. Before, root's write made it root's, mode 0600, and every
    /// run of its owner was refused it (review of 572eea5).
    @Test func anotherUsersReportIsRefusedAndStaysItsOwners() async throws {
        let h = try await EngineHarness.start("report-other-user")
        defer { Task { await h.stop() } }
        try h.writeFile("a.txt", size: 10)
        let manifest = try h.writeManifest()
        #expect(try await h.run(manifest).exitCode == 0)
        let nobody: uid_t = 65534
        #expect(chown(h.reportPath, nobody, nobody) == 0)
        let before = try Data(contentsOf: URL(fileURLWithPath: h.reportPath))
        for arguments in [
            ["resume", h.reportPath], ["abort", h.reportPath], ["run", manifest, "--report", h.reportPath],
        ] {
            let refused = try await h.ossbatch(arguments)
            #expect(refused.exitCode == 2, "\(arguments[0]): \(refused.stderr)")
            #expect(refused.stderr.contains("belongs to uid 65534"), "\(arguments[0]): \(refused.stderr)")
            var status = stat()
            #expect(stat(h.reportPath, &status) == 0 && status.st_uid == nobody, "\(arguments[0])")
            #expect(try Data(contentsOf: URL(fileURLWithPath: h.reportPath)) == before, "\(arguments[0])")
        }
    }

    @Test func aFinishedReportIsReplacedAndKeptAsPrev() async throws {
        let h = try await EngineHarness.start("prev")
        defer { Task { await h.stop() } }
        try h.writeFile("a.txt", size: 100)
        let manifest = try h.writeManifest()
        #expect(try await h.run(manifest).exitCode == 0)
        let first = try h.report()
        #expect(try await h.run(manifest).exitCode == 0)
        let previous = try ReportStore.load(ReportReplacement.previousPath(of: h.reportPath))
        #expect(previous.createdAt == first.createdAt)
        #expect(try h.report().createdAt != first.createdAt)
        #expect(try h.report().runs.count == 1)
        // A third night: the second's report becomes `.prev` and the first's goes (removed on another thread
        // while the run works), leaving no temporary file of its own behind.
        let second = try h.report()
        #expect(try await h.run(manifest).exitCode == 0)
        #expect(try ReportStore.load(ReportReplacement.previousPath(of: h.reportPath)).createdAt == second.createdAt)
        let dir = (h.reportPath as NSString).deletingLastPathComponent
        let name = (h.reportPath as NSString).lastPathComponent
        let beside = try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.contains(name) }
        #expect(Set(beside) == [name, name + ".prev", name + ".journal", name + ".prev.journal"], "\(beside)")
    }

    /// Keeping last night's report fails (here its journal cannot take the name `PATH.prev.journal`: a
    /// directory is there): the run stops before anything is sent, and the report of two nights ago, set aside
    /// to be removed, is back at `PATH.prev` — nothing was replaced, so nothing is lost.
    @Test func aFailedKeepingOfLastNightsReportLeavesTheOlderOneInPlace() async throws {
        let h = try await EngineHarness.start("prev-kept-failed")
        defer { Task { await h.stop() } }
        try h.writeFile("a.txt", size: 100)
        let manifest = try h.writeManifest()
        #expect(try await h.run(manifest).exitCode == 0)
        #expect(try await h.run(manifest).exitCode == 0)
        let second = try h.report()
        let previous = ReportReplacement.previousPath(of: h.reportPath)
        let older = try Data(contentsOf: URL(fileURLWithPath: previous))
        try? FileManager.default.removeItem(atPath: previous + ".journal")
        try FileManager.default.createDirectory(atPath: previous + ".journal/x", withIntermediateDirectories: true)
        #expect(FileManager.default.fileExists(atPath: h.reportPath + ".journal"))
        h.server.stats.reset()
        let refused = try await h.run(manifest)
        #expect(refused.exitCode == 3, "\(refused.stderr)")
        #expect(refused.stderr.contains("keep as"), "\(refused.stderr)")
        #expect(h.server.stats.snapshot.requestsByOperation.isEmpty)
        #expect(try Data(contentsOf: URL(fileURLWithPath: previous)) == older)
        #expect(try ReportOverview.read(h.reportPath).createdAt == second.createdAt)
        let dir = (h.reportPath as NSString).deletingLastPathComponent
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir).allSatisfy { !$0.contains(".tmp-") })
    }

    /// Keeping last night's report fails after its journal moved (here a directory is at `PATH.prev`): the
    /// journal goes back beside its report, so that no journal stands beside another night's report.
    @Test func aFailedKeepingAfterTheJournalMovedPutsTheJournalBackBesideItsReport() async throws {
        let h = try await EngineHarness.start("prev-journal-back")
        defer { Task { await h.stop() } }
        try h.writeFile("a.txt", size: 100)
        let manifest = try h.writeManifest()
        #expect(try await h.run(manifest).exitCode == 0)
        let journal = try Data(contentsOf: URL(fileURLWithPath: h.reportPath + ".journal"))
        let previous = ReportReplacement.previousPath(of: h.reportPath)
        try FileManager.default.createDirectory(atPath: previous + "/x", withIntermediateDirectories: true)
        let refused = try await h.run(manifest)
        #expect(refused.exitCode == 3, "\(refused.stderr)")
        #expect(refused.stderr.contains("keep as"), "\(refused.stderr)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: h.reportPath + ".journal")) == journal)
        #expect(!FileManager.default.fileExists(atPath: previous + ".journal"))
    }

    /// A file size limit under the report's size (`ulimit -f` in a shared machine's cron): the last write of the
    /// report fails with "File too large" — the process is not killed by SIGXFSZ, which it ignores — and the run
    /// stops as fatal (exit 3) with the report it started and its journal; `resume` without the limit finishes.
    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/prlimit"), "needs prlimit"))
    func aFileSizeLimitUnderTheReportStopsTheRunWithItsJournalForResume() async throws {
        let h = try await EngineHarness.start("fsize")
        defer { Task { await h.stop() } }
        for i in 0..<600 { try h.writeFile("f\(i).txt", size: 10 + i % 7, seed: UInt64(i)) }
        let manifest = try h.writeManifest()
        // The finished report's size, from a run without the limit: the limit is 90% of it, above the report
        // the run starts with (its lines have no ETag, CRC-64 or duration yet) and the journal.
        let measure = h.dir.url.appendingPathComponent("measure.json").path
        #expect(
            try await h.ossbatch(["run", manifest, "--report", measure, "--progress-interval", "3600"]).exitCode == 0
        )
        let finished = (try FileManager.default.attributesOfItem(atPath: measure)[.size] as? Int) ?? 0
        let limit = finished * 9 / 10
        let limited = try await h.ossbatchVia(
            URL(fileURLWithPath: "/usr/bin/prlimit"),
            [
                "--fsize=\(limit):\(limit)", Products.url("ossbatch").path, "run", manifest, "--report", h.reportPath,
                "--progress-interval", "3600",
            ]
        )
        #expect(limited.exitCode == 3, "\(limited.stderr)")
        #expect(limited.stderr.contains("File too large"), "\(limited.stderr)")
        #expect(limited.stdout.contains("ossbatch resume"), "\(limited.stdout)")
        let stopped = try h.report()
        #expect(stopped.status == .fatal || stopped.status == .running, "\(stopped.status)")
        #expect(stopped.totals.failed == 0)
        let resumed = try await h.resume()
        #expect(resumed.exitCode == 0, "\(resumed.stderr)")
        #expect(try h.report().totals.succeeded == 600)
        try h.expectAllStoredExactly()
    }

    /// A run over last night's finished report killed before it wrote its own (here while its credentials
    /// were looked up from a service that never answers) leaves nothing at PATH — not last night's report,
    /// which would pass for that night's success (`status` green over a killed night) — and last night's as
    /// `.prev`; `status PATH` fails. The next run goes on from there.
    @Test func aRunKilledBeforeItsFirstReportLeavesNoReportToPassForThatNight() async throws {
        let h = try await EngineHarness.start("prev-killed")
        defer { Task { await h.stop() } }
        try h.writeFile("a.txt", size: 100)
        let manifest = try h.writeManifest()
        #expect(try await h.run(manifest).exitCode == 0)
        let first = try h.report()
        // Listening, never accepting: the metadata service's answer never comes.
        let silent = try await SilentListener.start()
        defer { silent.stop() }
        let process = try h.start(
            ["run", manifest, "--report", h.reportPath, "--progress-interval", "3600"],
            environment: silent.asMetadataService(home: h.dir.path)
        )
        #expect(await process.waitForStderr(containing: "ossbatch: 1 files"))
        try await Task.sleep(for: .milliseconds(500))
        process.signal(SIGKILL)
        _ = await process.wait()
        #expect(!FileManager.default.fileExists(atPath: h.reportPath), "no report passes for the killed night")
        #expect(
            try ReportStore.load(ReportReplacement.previousPath(of: h.reportPath)).createdAt == first.createdAt
        )
        #expect(try await h.ossbatch(["status", h.reportPath]).exitCode == 2)
        #expect(try await h.run(manifest).exitCode == 0)
        #expect(try h.report().createdAt != first.createdAt)
        #expect(
            try ReportStore.load(ReportReplacement.previousPath(of: h.reportPath)).createdAt == first.createdAt
        )
        try h.expectAllStoredExactly()
    }

    /// A resume refused after a kill -9 (here its batch lock cannot be used: a directory at its path) is
    /// recorded as ended, `fatal`: status and the next resume still name the killed run as the one that never
    /// ended. Before, the refusal's entry said `running` and took its place: the killed run was told apart
    /// by the refused resume's pid, and the lock error was hidden.
    @Test func aResumeRefusedAfterAKillIsNotTakenForTheRunThatNeverEnded() async throws {
        let h = try await EngineHarness.start("refused-after-kill")
        defer { Task { await h.stop() } }
        try h.writeFile("big.bin", size: 3_000_000, seed: 5)
        let manifest = try EngineResumeTests.multipartManifest(h)
        let killed = try await EngineResumeTests.killMidUpload(h, manifest: manifest)

        let lock = BatchLock.path(manifest: manifest, bucket: h.bucket, in: StateDirectory(path: h.stateDir))
        unlink(lock)
        #expect(mkdir(lock, 0o700) == 0)
        let refused = try await h.resume()
        #expect(refused.exitCode == 3, "\(refused.stderr)")
        let afterRefusal = try h.report()
        #expect(afterRefusal.runs.last?.status == .fatal && afterRefusal.runs.last?.exitCode == 3)
        #expect(rmdir(lock) == 0)

        let status = try await h.ossbatch(["status", h.reportPath])
        #expect(status.stdout.contains("crashed (pid \(killed))"), "\(status.stdout)")
        let resumed = try await h.resume()
        #expect(resumed.exitCode == 0, "\(resumed.stderr)")
        #expect(resumed.stderr.contains("the last run of this report (pid \(killed) "), "\(resumed.stderr)")
        try h.expectAllStoredExactly()
    }

    @Test func aReportPathHoldingAnythingButAFinishedReportIsNotOverwritten() async throws {
        let h = try await EngineHarness.start("not-a-report")
        defer { Task { await h.stop() } }
        try h.writeFile("a.txt", size: 100)
        let manifest = try h.writeManifest()
        try h.dir.write("report.json", "my notes, not a report\n")
        let result = try await h.run(manifest)
        #expect(result.exitCode == 2)
        #expect(result.stderr.contains("holds no usable report"), "\(result.stderr)")
        #expect(try String(contentsOfFile: h.reportPath, encoding: .utf8) == "my notes, not a report\n")
        #expect(h.server.log.all.isEmpty)
    }

    @Test func defaultReportsAreUniqueAndOnlyFinishedOnesArePruned() async throws {
        let h = try await EngineHarness.start("default-reports")
        defer { Task { await h.stop() } }
        for i in 0..<6 { try h.writeFile("s\(i).txt", size: 100 + i) }
        let manifest = try h.writeManifest("nightly.yaml", upload: ["concurrency: 1"])
        let reports = h.stateDir + "/nightly/reports"
        func names() throws -> [String] {
            try FileManager.default.contentsOfDirectory(atPath: reports).filter { $0.hasSuffix(".json") }.sorted()
        }
        // Three runs started at once (each lasts over 6 s): three reports, two of them refused as busy
        // and recorded so.
        h.server.faults.add(FaultRule(operation: .putObject, count: nil, action: .delay(milliseconds: 1000)))
        let runs = try (0..<3).map { _ in try h.start(["run", manifest, "--progress-interval", "3600"]) }
        var codes: [Int32] = []
        for run in runs { codes.append(await run.wait().exitCode) }
        #expect(codes.sorted() == [0, 4, 4], "\(codes)")
        #expect(try names().count == 3)
        #expect(try names().allSatisfy { $0.hasPrefix("ossbatch-report-") && $0.contains("Z") })

        // An interrupted run: unfinished, so never pruned.
        let logStart = h.server.log.all.count
        let gate = h.hold(.putObject)
        let interrupted = try h.start(["run", manifest, "--progress-interval", "3600"])
        #expect(
            await h.waitUntil {
                h.server.log.all[logStart...].contains { $0.operation == .putObject && $0.status == 200 }
            }
        )
        await h.interrupt(interrupted)
        h.server.faults.open(gate: gate)
        #expect(await interrupted.wait().exitCode == 130)
        h.server.faults.removeAll()
        let unfinished = try #require(try names().last)

        let last = try await h.ossbatch(["run", manifest, "--keep-reports", "2"])
        #expect(last.exitCode == 0, "\(last.stderr)")
        let left = try names()
        #expect(left.count == 2, "\(left)")
        #expect(left.contains(unfinished), "the unfinished report is kept")
        let newest = try #require(left.last { $0 != unfinished })
        #expect(try ReportStore.load(reports + "/" + newest).status == .succeeded)
    }

    @Test func noCredentialsIsRecordedInRunsAndResumeThenFinishes() async throws {
        let h = try await EngineHarness.start("no-creds")
        defer { Task { await h.stop() } }
        try h.writeFile("a.txt", size: 100)
        let manifest = try h.writeManifest()
        let none: [String: String?] = [
            "OSS_ACCESS_KEY_ID": nil, "OSS_ACCESS_KEY_SECRET": nil, "OSS_SESSION_TOKEN": nil,
        ]
        let result = try await h.ossbatch(["run", manifest, "--report", h.reportPath], environment: none)
        #expect(result.exitCode == 3)
        let abort = try await h.ossbatch(["abort", h.reportPath], environment: none)
        #expect(abort.exitCode == 3)
        let report = try h.report()
        #expect(report.status == .fatal)
        #expect(report.runs.map(\.command) == ["run", "abort"])
        #expect(report.runs.map(\.exitCode) == [3, 3])
        #expect(report.runs.allSatisfy { $0.error?.code == "NoCredentials" && $0.finishedAt != nil && $0.pid != nil })
        #expect(h.server.log.all.isEmpty)
        #expect(try await h.resume().exitCode == 0)
        #expect(try h.report().runs.map(\.command) == ["run", "abort", "resume"])
    }
}
