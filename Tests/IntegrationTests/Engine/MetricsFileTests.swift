import Foundation
import LocalOSS
import OSSBatch
import TestSupport
import Testing

/// `--metrics-file` with the real binary, read back by an independent parser (Python's prometheus_client,
/// installed by scripts/setup.sh; these tests fail, not skip, without it).
@Suite(.serialized)
struct MetricsFileTests {
    struct Sample: Decodable {
        var name: String
        var labels: [String: String]
        var value: Double
        var type: String
    }

    static let parser = """
        import json, sys
        from prometheus_client.parser import text_string_to_metric_families
        samples = []
        for family in text_string_to_metric_families(open(sys.argv[1]).read()):
            for s in family.samples:
                samples.append({"name": s.name, "labels": s.labels, "value": s.value, "type": family.type})
        print(json.dumps(samples))
        """

    /// The file's samples as prometheus_client parses them (a parse error fails the test).
    private func parse(_ path: String, sourceLocation: SourceLocation = #_sourceLocation) async throws -> [Sample] {
        // Awaited, not waited for: a blocked thread of the shared pool would stall the in-process LocalOSS.
        let python = try RunningProcess(URL(fileURLWithPath: "/usr/bin/env"), ["python3", "-c", Self.parser, path])
        let result = await python.wait()
        #expect(result.exitCode == 0, "prometheus_client: \(result.stderr)", sourceLocation: sourceLocation)
        return try JSONDecoder().decode([Sample].self, from: Data(result.stdout.utf8))
    }

    private func value(_ samples: [Sample], _ name: String, status: String? = nil) -> Double? {
        samples.first { $0.name == name && $0.labels["status"] == status }?.value
    }

    private func metricsPath(_ h: EngineHarness) throws -> String {
        let dir = h.dir.url.appendingPathComponent("textfile_collector")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir.appendingPathComponent("ossbatch_manifest.prom").path
    }

    @Test func aRunWritesAFileThatPrometheusParsesWithTheRunsValues() async throws {
        let h = try await EngineHarness.start("metrics-run")
        defer { Task { await h.stop() } }
        for i in 0..<3 { try h.writeFile("f\(i).txt", size: 1000 * (i + 1), seed: UInt64(i)) }
        h.server.faults.add(.failNth(1, .putObject, status: 503, code: .serviceUnavailable))
        let manifest = try h.writeManifest(upload: ["retries: {attempts: 3, base_delay: 1ms, max_delay: 2ms}"])
        let path = try metricsPath(h)
        let before = Date().timeIntervalSince1970
        let result = try await h.run(manifest, ["--metrics-file", path])
        let after = Date().timeIntervalSince1970
        #expect(result.exitCode == 0, "\(result.stderr)")

        let samples = try await parse(path)
        #expect(samples.allSatisfy { $0.labels["batch"] == "manifest" && $0.type == "gauge" })
        #expect(value(samples, "ossbatch_run_in_progress") == 0)
        #expect(value(samples, "ossbatch_last_run_exit_code") == 0)
        #expect(value(samples, "ossbatch_files", status: "succeeded") == 3)
        #expect(value(samples, "ossbatch_files", status: "failed") == 0)
        #expect(value(samples, "ossbatch_files", status: "pending") == 0)
        #expect(value(samples, "ossbatch_files", status: "skipped") == 0)
        #expect(value(samples, "ossbatch_bytes", status: "succeeded") == 6000)
        #expect(value(samples, "ossbatch_last_run_retries") == 1)
        #expect(value(samples, "ossbatch_last_run_sent_bytes") ?? 0 >= 6000)
        let start = try #require(value(samples, "ossbatch_last_run_start_timestamp_seconds"))
        let end = try #require(value(samples, "ossbatch_last_run_end_timestamp_seconds"))
        #expect(before - 0.01 <= start && start <= end && end <= after + 0.01)
        #expect(value(samples, "ossbatch_last_success_timestamp_seconds") == end)
        let duration = try #require(value(samples, "ossbatch_last_run_duration_seconds"))
        #expect(duration > 0 && duration <= end - start + 0.05)

        // For node_exporter: readable by others, no temporary file left beside it.
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        #expect((attributes[.posixPermissions] as? Int) == 0o644)
        let dir = (path as NSString).deletingLastPathComponent
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == ["ossbatch_manifest.prom"])
    }

    @Test func aRunOnAClockAYearFastWritesOSSsTimesNotItsOwn() async throws {
        // OSS's clock a year behind this machine's: this one runs a year fast. OSS refuses the first request as
        // signed too far from its time, and the run learns by how much.
        let year: TimeInterval = 365 * 86400
        let h = try await EngineHarness.start("metrics-fast-clock") {
            $0.clockOffset = -year
            $0.maxClockSkew = 900
        }
        defer { Task { await h.stop() } }
        for i in 0..<2 { try h.writeFile("f\(i).txt", size: 1000, seed: UInt64(i)) }
        let path = try metricsPath(h)
        let result = try await h.run(try h.writeManifest(), ["--metrics-file", path])
        #expect(result.exitCode == 0, "\(result.stderr)")
        let samples = try await parse(path)
        let ossNow = Date().timeIntervalSince1970 - year
        // A last success a year ahead would silence `time() - last_success > 36h` for a year.
        let success = try #require(value(samples, "ossbatch_last_success_timestamp_seconds"))
        #expect(abs(success - ossNow) < 120, "\(success) against OSS's \(ossNow)")
        let start = try #require(value(samples, "ossbatch_last_run_start_timestamp_seconds"))
        let end = try #require(value(samples, "ossbatch_last_run_end_timestamp_seconds"))
        #expect(abs(end - ossNow) < 120 && start <= end)
    }

    @Test func aRunOnAClockDaysSlowKeepsTheRightPreviousSuccessItsOwnClockSawInTheFuture() async throws {
        // This machine's clock three days slow: OSS's is three days ahead of it. Last night's success, written
        // while the clock was right, is two days ahead of this clock. The run learns OSS's time from its first,
        // refused request, and then fails: the success it must keep is last night's.
        let days: TimeInterval = 3 * 86400
        let h = try await EngineHarness.start("metrics-slow-clock") {
            $0.clockOffset = days
            $0.maxClockSkew = 900
        }
        defer { Task { await h.stop() } }
        try h.writeFile("f.txt", size: 1000, seed: 1)
        let path = try metricsPath(h)
        let lastNight = (Date().timeIntervalSince1970 + days - 86400).rounded()
        try Data("ossbatch_last_success_timestamp_seconds{batch=\"manifest\"} \(lastNight)\n".utf8)
            .write(to: URL(fileURLWithPath: path))
        // The request signed by OSS's clock is refused for good (the first one, by this clock, is not matched).
        h.server.faults.add(
            FaultRule(operation: .putObject, skip: 1, count: nil, action: .fail(status: 400, code: .invalidArgument))
        )
        let result = try await h.run(try h.writeManifest(), ["--metrics-file", path])
        #expect(result.exitCode == 1, "\(result.stderr)")
        #expect(h.server.log.all.first?.errorCode == "RequestTimeTooSkewed")
        #expect(!result.stderr.contains("metrics_file_ignored") && !result.stderr.contains("ignoring the previous"))
        let samples = try await parse(path)
        #expect(value(samples, "ossbatch_last_success_timestamp_seconds") == lastNight)
    }

    @Test func aFailedRunKeepsTheEarlierSuccessTimeAndAResumeThatSucceedsMovesIt() async throws {
        let h = try await EngineHarness.start("metrics-keep")
        defer { Task { await h.stop() } }
        for i in 0..<3 { try h.writeFile("f\(i).txt", size: 100, seed: UInt64(i)) }
        let manifest = try h.writeManifest()
        let path = try metricsPath(h)
        #expect(try await h.run(manifest, ["--metrics-file", path]).exitCode == 0)
        let firstSuccess = try #require(value(try await parse(path), "ossbatch_last_success_timestamp_seconds"))

        h.server.faults.add(
            FaultRule(operation: .putObject, count: nil, action: .fail(status: 400, code: .invalidArgument))
        )
        let failed = try await h.run(manifest, ["--metrics-file", path])
        #expect(failed.exitCode == 1, "\(failed.stderr)")
        var samples = try await parse(path)
        #expect(value(samples, "ossbatch_last_run_exit_code") == 1)
        #expect(value(samples, "ossbatch_files", status: "failed") == 3)
        #expect(value(samples, "ossbatch_last_success_timestamp_seconds") == firstSuccess)
        #expect(value(samples, "ossbatch_last_run_end_timestamp_seconds") ?? 0 > firstSuccess)

        // An invalid manifest is a run too (exit 2), and keeps the time as well.
        let broken = try h.dir.write("broken.yaml", "version: 1\nfiles: 3\n").path
        let invalid = try await h.ossbatch(["run", broken, "--metrics-file", path])
        #expect(invalid.exitCode == 2)
        samples = try await parse(path)
        #expect(value(samples, "ossbatch_last_run_exit_code") == 2)
        #expect(samples.first?.labels["batch"] == "broken")
        #expect(value(samples, "ossbatch_files", status: "failed") == nil, "no plan, no file counts")
        #expect(value(samples, "ossbatch_last_success_timestamp_seconds") == firstSuccess)

        h.server.faults.removeAll()
        let resumed = try await h.resume(["--metrics-file", path])
        #expect(resumed.exitCode == 0, "\(resumed.stderr)")
        samples = try await parse(path)
        #expect(value(samples, "ossbatch_last_run_exit_code") == 0)
        #expect(value(samples, "ossbatch_files", status: "succeeded") == 3)
        let end = try #require(value(samples, "ossbatch_last_run_end_timestamp_seconds"))
        #expect(value(samples, "ossbatch_last_success_timestamp_seconds") == end)
        #expect(end > firstSuccess)
    }

    /// A walk stuck on a file system that stopped answering ends the run with exit 3 after `stall_timeout`
    /// (`StalledRunTests`): the metrics file says so too, and keeps the last success.
    @Test func aRunWhoseWalkStalledRecordsExit3() async throws {
        let h = try await EngineHarness.start("metrics-walk-stalled")
        defer { Task { await h.stop() } }
        try h.writeFile("a.txt", size: 100)
        try h.writeFile("stuck-file.txt", size: 100, seed: 2)
        let manifest = try h.writeManifest(upload: StalledRunTests.quickStall)
        let path = try metricsPath(h)
        #expect(try await h.run(manifest, ["--metrics-file", path]).exitCode == 0)
        let success = try #require(value(try await parse(path), "ossbatch_last_success_timestamp_seconds"))
        let stalled = try await h.ossbatch(
            ["run", manifest, "--report", h.reportPath + ".2", "--metrics-file", path],
            environment: StalledRunTests.hanging(h, "HANGING_STAT")
        )
        #expect(stalled.exitCode == 3, "\(stalled.stderr)")
        let samples = try await parse(path)
        #expect(value(samples, "ossbatch_last_run_exit_code") == 3)
        #expect(value(samples, "ossbatch_last_success_timestamp_seconds") == success)
    }

    /// A run whose report lock cannot be used (a directory in its place; a read-only directory under
    /// `ProtectSystem=strict`) records its exit 3: the file kept the night before's exit 0, and
    /// `OssbatchLastRunFailed` never fired (review of ca63f16).
    @Test func aRunWhoseReportLockCannotBeUsedRecordsItsExit() async throws {
        let h = try await EngineHarness.start("metrics-lock-unusable")
        defer { Task { await h.stop() } }
        try h.writeFile("a.txt", size: 100)
        let manifest = try h.writeManifest()
        let path = try metricsPath(h)
        #expect(try await h.run(manifest, ["--metrics-file", path]).exitCode == 0)
        let success = try #require(value(try await parse(path), "ossbatch_last_success_timestamp_seconds"))
        try FileManager.default.createDirectory(
            atPath: ReportLock.path(of: h.reportPath),
            withIntermediateDirectories: false
        )
        let refused = try await h.ossbatch(["run", manifest, "--report", h.reportPath, "--metrics-file", path])
        #expect(refused.exitCode == 3, "\(refused.stderr)")
        let samples = try await parse(path)
        #expect(value(samples, "ossbatch_last_run_exit_code") == 3)
        #expect(value(samples, "ossbatch_run_in_progress") == 0)
        #expect(value(samples, "ossbatch_last_success_timestamp_seconds") == success)
        // A resume of that report, its lock as unusable: the same.
        let resumed = try await h.ossbatch(["resume", h.reportPath, "--metrics-file", path + ".resume"])
        #expect(resumed.exitCode == 3, "\(resumed.stderr)")
        #expect(value(try await parse(path + ".resume"), "ossbatch_last_run_exit_code") == 3)
    }

    /// Two shards of a batch on one machine, each with its file: their series differ by a `shard` label.
    /// They were the very same (`batch` alone), and node_exporter's textfile collector keeps one of two equal
    /// series: one shard's failure could not be seen (review of ca63f16). An unsharded run has no such label.
    @Test func theShardsOfABatchWriteSeriesOfTheirOwn() async throws {
        let h = try await EngineHarness.start("metrics-shards")
        defer { Task { await h.stop() } }
        for i in 0..<4 { try h.writeFile("f\(i).txt", size: 100 + i, seed: UInt64(i + 1)) }
        let manifest = try h.writeManifest()
        let dir = h.dir.url.appendingPathComponent("textfile_collector").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        var labels: [[String: String]] = []
        for k in 0..<2 {
            let path = dir + "/ossbatch_shard\(k).prom"
            let run = try await h.ossbatch([
                "run", manifest, "--shard", "\(k)/2", "--report", h.reportPath, "--metrics-file", path,
            ])
            #expect(run.exitCode == 0, "\(run.stderr)")
            let sample = try #require(try await parse(path).first { $0.name == "ossbatch_last_run_exit_code" })
            labels.append(sample.labels)
        }
        #expect(
            labels == [
                ["batch": "manifest", "shard": "shard-0-of-2"], ["batch": "manifest", "shard": "shard-1-of-2"],
            ]
        )
        let whole = dir + "/ossbatch_whole.prom"
        #expect(try await h.run(manifest, ["--metrics-file", whole]).exitCode == 0)
        let sample = try #require(try await parse(whole).first { $0.name == "ossbatch_last_run_exit_code" })
        #expect(sample.labels == ["batch": "manifest"])
    }

    @Test func duringALongRunTheFileSaysSoAndKeepsTheLastSuccess() async throws {
        let h = try await EngineHarness.start("metrics-progress")
        defer { Task { await h.stop() } }
        try h.writeFile("small.txt", size: 10)
        try h.writeFile("big.bin", size: 2_000_000, seed: 3)
        let manifest = try h.writeManifest(upload: ["concurrency: 1", "part_size: 256KiB", "multipart_threshold: 1MiB"])
        let path = try metricsPath(h)
        #expect(try await h.run(manifest, ["--metrics-file", path]).exitCode == 0)
        let firstSuccess = try #require(value(try await parse(path), "ossbatch_last_success_timestamp_seconds"))

        h.server.faults.add(FaultRule(operation: .uploadPart, count: nil, action: .delay(milliseconds: 400)))
        let gate = h.hold()  // the run stays in progress until the file has been read
        let process = try h.start([
            "run", manifest, "--report", h.reportPath, "--metrics-file", path, "--progress-interval", "0.2", "--quiet",
        ])
        var during: [Sample] = []
        let deadline = ContinuousClock.now + .seconds(30)
        while ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(50))
            let samples = try await parse(path)
            if value(samples, "ossbatch_run_in_progress") == 1,
                value(samples, "ossbatch_files", status: "succeeded") == 1
            {
                during = samples
                break
            }
        }
        h.server.faults.open(gate: gate)
        let result = await process.wait(timeout: .seconds(60))
        #expect(result.exitCode == 0, "\(result.stderr)")
        #expect(!during.isEmpty, "the file should show the run in progress")
        #expect(value(during, "ossbatch_last_run_exit_code") == nil)
        #expect(value(during, "ossbatch_last_run_end_timestamp_seconds") == nil)
        #expect(value(during, "ossbatch_files", status: "pending") == 1)
        #expect(value(during, "ossbatch_bytes", status: "pending") == 2_000_000)
        #expect(value(during, "ossbatch_last_success_timestamp_seconds") == firstSuccess)
        #expect(value(during, "ossbatch_last_run_start_timestamp_seconds") ?? 0 > firstSuccess)

        let samples = try await parse(path)
        #expect(value(samples, "ossbatch_run_in_progress") == 0)
        #expect(value(samples, "ossbatch_files", status: "succeeded") == 2)
        #expect(value(samples, "ossbatch_last_success_timestamp_seconds") ?? 0 > firstSuccess)
    }

    /// The file says a run is in progress from its start, not from its first interval: a night killed early
    /// (kill -9) is seen, `run_in_progress 1` and no exit code, where the file said the night before's. A run
    /// refused because that night still holds the batch leaves the running night's file as it is (audit of
    /// 72b75db: exit 4 with `run_in_progress 0` over it; review of c56b4e6: then `run_in_progress 1` beside
    /// its own exit code 4, end and start times — the failed-run alert fired, the night's start was lost).
    @Test func aNightKilledEarlyAndARunRefusedBesideItShowTheBatchInProgress() async throws {
        let h = try await EngineHarness.start("metrics-killed")
        defer { Task { await h.stop() } }
        try h.writeFile("big.bin", size: 2_000_000, seed: 3)
        let manifest = try h.writeManifest(upload: ["concurrency: 1", "part_size: 256KiB", "multipart_threshold: 1MiB"])
        let path = try metricsPath(h)
        #expect(try await h.run(manifest, ["--metrics-file", path]).exitCode == 0)
        try h.writeFile("big.bin", size: 2_000_000, seed: 4)
        let gate = h.hold()
        let night = try h.start([
            "run", manifest, "--report", h.dir.path + "/night.json", "--metrics-file", path,
            "--progress-interval", "3600", "--quiet",
        ])
        #expect(await h.waitUntil { h.somePartStored })
        let during = try await parse(path)
        #expect(value(during, "ossbatch_run_in_progress") == 1, "\(during.map(\.name))")
        #expect(value(during, "ossbatch_last_run_exit_code") == nil)

        // The next cron start, while this night still holds the batch: refused (4), the night's file untouched.
        let written = try Data(contentsOf: URL(fileURLWithPath: path))
        let refused = try await h.ossbatch([
            "run", manifest, "--report", h.dir.path + "/next.json", "--metrics-file", path, "--progress-interval",
            "3600",
        ])
        #expect(refused.exitCode == 4, "\(refused.stderr)")
        let besides = try await parse(path)
        #expect(value(besides, "ossbatch_run_in_progress") == 1)
        #expect(value(besides, "ossbatch_last_run_exit_code") == nil)
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == written)

        night.signal(SIGKILL)
        _ = await night.wait()
        h.server.faults.open(gate: gate)
        #expect(value(try await parse(path), "ossbatch_run_in_progress") == 1, "a killed night stays in progress")
    }

    @Test func aPreviousFileThatIsNotOursIsIgnoredWithAWarningAndReplaced() async throws {
        let h = try await EngineHarness.start("metrics-corrupt")
        defer { Task { await h.stop() } }
        try h.writeFile("a.txt", size: 10)
        let manifest = try h.writeManifest()
        let path = try metricsPath(h)
        let future = Date().timeIntervalSince1970 + 86400 * 365
        for previous in [
            "ossbatch_last_success_timestamp_seconds{batch=\"manifest\"} \(future)\n",
            "ossbatch_last_success_timestamp_seconds{batch=\"manifest} 1\n",
            "not prometheus at all {\n",
            String(repeating: "# padding\n", count: 200_000),
        ] {
            try Data(previous.utf8).write(to: URL(fileURLWithPath: path))
            let result = try await h.run(manifest, ["--metrics-file", path, "--log-format", "json"])
            #expect(result.exitCode == 0, "\(result.stderr)")
            let warning = result.stderrRecords.compactMap { $0 }.first {
                $0["event"] as? String == "metrics_file_ignored"
            }
            #expect(warning?["level"] as? String == "warning", "\(result.stderr)")
            #expect(warning?["path"] as? String == path)
            let samples = try await parse(path)
            let end = try #require(value(samples, "ossbatch_last_run_end_timestamp_seconds"))
            #expect(value(samples, "ossbatch_last_success_timestamp_seconds") == end, "only this run's success")
        }
    }

    @Test func aSymbolicLinkAtThePathIsNeverWrittenThrough() async throws {
        let h = try await EngineHarness.start("metrics-symlink")
        defer { Task { await h.stop() } }
        try h.writeFile("a.txt", size: 10)
        let manifest = try h.writeManifest()
        let path = try metricsPath(h)
        let victim = try h.dir.write("victim.txt", "keep me\n")
        try FileManager.default.createSymbolicLink(atPath: path, withDestinationPath: victim.path)
        let result = try await h.run(manifest, ["--metrics-file", path])
        #expect(result.exitCode == 0, "the batch succeeded: \(result.stderr)")
        #expect(result.stderr.contains("warning: cannot write the metrics file"), "\(result.stderr)")
        #expect(try String(contentsOf: victim, encoding: .utf8) == "keep me\n")
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: path) == victim.path)
    }

    /// A dated batch (`web01/{date}/`) of one file with its metrics in the textfile directory: the harness, the
    /// manifest and the metrics path.
    private func datedBatch(
        _ name: String
    ) async throws -> (h: EngineHarness, manifest: String, metrics: String) {
        let h = try await EngineHarness.start(name)
        try h.writeFile("a.bin", size: 1000)
        return (h, try h.writeManifest("web.yaml", prefix: "\"web01/{date:%Y-%m-%d}/\""), try metricsPath(h))
    }

    /// A night's run of `batch` at `2026-10-DAY` with `more` arguments, OSS refusing every PutObject when
    /// `refused`.
    private func night(
        _ batch: (h: EngineHarness, manifest: String, metrics: String),
        _ day: String,
        refused: Bool = false,
        _ more: [String] = []
    ) async throws -> ProcessResult {
        if refused {
            batch.h.server.faults.add(
                FaultRule(operation: .putObject, count: nil, action: .fail(status: 403, code: .accessDenied))
            )
        }
        defer { batch.h.server.faults.removeAll() }
        try await Task.sleep(for: .milliseconds(20))
        return try await batch.h.ossbatch(
            ["run", batch.manifest, "--metrics-file", batch.metrics, "--progress-interval", "3600", "--quiet"] + more,
            environment: ["OSSBATCH_NOW": "2026-10-\(day)T02:00:00Z"]
        )
    }

    /// A dated night the endpoint refused leaves its snapshot incomplete: the next good night (exit 0) still says
    /// so in `ossbatch_incomplete_snapshots`, for an alert, until that night's report is resumed.
    @Test func aDatedNightLeftIncompleteIsCountedByTheNightsAfterItUntilResumed() async throws {
        let batch = try await datedBatch("metrics-incomplete")
        let (h, path) = (batch.h, batch.metrics)
        defer { Task { await h.stop() } }
        let state = StateDirectory(path: h.stateDir)
        #expect(try await night(batch, "22", refused: true).exitCode == 3)
        // The failed night's own report is left out (its exit code says it failed): no other is incomplete.
        #expect(value(try await parse(path), "ossbatch_incomplete_snapshots") == 0)
        let stopped = try #require(state.reports(ofBatch: "web").first)

        #expect(try await night(batch, "23").exitCode == 0)
        let after = try await parse(path)
        #expect(value(after, "ossbatch_last_run_exit_code") == 0)
        #expect(value(after, "ossbatch_incomplete_snapshots") == 1, "\(after.map(\.name))")

        // Resumed while OSS still refuses: that night stays incomplete, which the resume's own exit code says
        // (the count is of the batch's other reports); `status` lists it, and the next night counts it again.
        let resume = ["resume", stopped, "--metrics-file", path, "--progress-interval", "3600"]
        h.server.faults.add(
            FaultRule(operation: .putObject, count: nil, action: .fail(status: 403, code: .accessDenied))
        )
        #expect(try await h.ossbatch(resume).exitCode == 3)
        h.server.faults.removeAll()
        let failed = try await parse(path)
        #expect(value(failed, "ossbatch_last_run_exit_code") == 3)
        #expect(value(failed, "ossbatch_incomplete_snapshots") == 0)
        #expect(try await StatusCommandTests.statusJSON(h, ["web"]).exit == 1)
        let resumed = try await h.ossbatch(resume)
        #expect(resumed.exitCode == 0, "\(resumed.stderr)")
        #expect(value(try await parse(path), "ossbatch_incomplete_snapshots") == 0)
        #expect(try await StatusCommandTests.statusJSON(h, ["web"]).exit == 0)
    }

    /// A `--report` outside the state directory: the stopped night's report, set aside among the batch's
    /// default reports by the next night, is counted by that night.
    @Test func aNightSetAsideFromAReportOutsideTheStateDirectoryIsCounted() async throws {
        let batch = try await datedBatch("metrics-incomplete-outside")
        let (h, path) = (batch.h, batch.metrics)
        defer { Task { await h.stop() } }
        let report = ["--report", h.dir.url.appendingPathComponent("logs/web.json").path]
        #expect(try await night(batch, "22", refused: true, report).exitCode == 3)
        let next = try await night(batch, "23", report)
        #expect(next.exitCode == 0 && next.stderr.contains("where 'ossbatch status' lists it"), "\(next.stderr)")
        #expect(value(try await parse(path), "ossbatch_incomplete_snapshots") == 1)
    }
}
