import Foundation
import LocalOSS
import OSSBatch
import TestSupport
import Testing

/// `--log-format json` with the real binary: every stderr line is one JSON object with `ts`, `level` and
/// `event` — on success, with a failing job, when interrupted, without credentials, with an invalid manifest —
/// and per-job events carry structured fields. `--output json` makes the summary on stdout one object.
@Suite(.serialized)
struct JSONLogTests {
    static let levels: Set<String> = ["trace", "debug", "info", "notice", "warning", "error", "critical"]

    /// Every stderr line parses as a JSON object with a millisecond UTC `ts`, a `level`, an `event` and a
    /// `message`; returns them.
    private func records(
        _ result: ProcessResult,
        sourceLocation: SourceLocation = #_sourceLocation
    ) -> [[String: Any]] {
        #expect(!result.stderr.isEmpty, sourceLocation: sourceLocation)
        #expect(result.stderr.hasSuffix("\n"), sourceLocation: sourceLocation)
        var records: [[String: Any]] = []
        for (line, record) in zip(result.stderr.split(separator: "\n"), result.stderrRecords) {
            guard let record else {
                Issue.record("not a JSON object: \(line.debugDescription)", sourceLocation: sourceLocation)
                continue
            }
            let ts = record["ts"] as? String ?? ""
            #expect(
                ts.wholeMatch(of: /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z/) != nil,
                "ts \(ts)",
                sourceLocation: sourceLocation
            )
            #expect(Self.levels.contains(record["level"] as? String ?? ""), "\(line)", sourceLocation: sourceLocation)
            #expect((record["event"] as? String)?.isEmpty == false, "\(line)", sourceLocation: sourceLocation)
            #expect(record["message"] is String, "\(line)", sourceLocation: sourceLocation)
            records.append(record)
        }
        return records
    }

    private func events(_ records: [[String: Any]], _ name: String) -> [[String: Any]] {
        records.filter { $0["event"] as? String == name }
    }

    @Test func aRunWithRetriesLogsOnlyJSONWithStructuredJobEventsAndAJSONSummary() async throws {
        let h = try await EngineHarness.start("json-success")
        defer { Task { await h.stop() } }
        try h.writeFile("big.bin", size: 1_500_000, seed: 7)
        for i in 0..<4 { try h.writeFile("small-\(i).txt", size: 100 + i, seed: UInt64(i)) }
        h.server.faults.add(FaultRule(operation: .uploadPart, count: nil, action: .delay(milliseconds: 150)))
        h.server.faults.add(.failNth(1, .uploadPart, status: 503, code: .serviceUnavailable))
        let manifest = try h.writeManifest(upload: [
            "concurrency: 2", "part_size: 256KiB", "multipart_threshold: 1MiB",
            "retries: {attempts: 3, base_delay: 10ms, max_delay: 20ms}",
        ])
        let result = try await h.ossbatch([
            "run", manifest, "--report", h.reportPath, "--progress-interval", "0.2",
            "--log-format", "json", "--log-level", "debug", "--output", "json",
        ])
        #expect(result.exitCode == 0, "\(result.stderr)")
        let all = records(result)

        let started = try #require(events(all, "run_started").first)
        #expect(started["files"] as? Int == 5)
        #expect(started["bytes"] as? Int == 1_500_000 + 100 + 101 + 102 + 103)
        #expect(started["batch"] as? String == "manifest")
        #expect(started["report"] as? String == h.reportPath)

        // One job_finished per job, with its key, source, size, requests and time.
        let jobs = events(all, "job_finished")
        #expect(Set(jobs.compactMap { $0["key"] as? String }).count == 5, "\(result.stderr)")
        for job in jobs {
            #expect(job["status"] as? String == "succeeded")
            #expect((job["source"] as? String)?.hasPrefix(h.dir.url.path) == true)
            #expect(job["bytes"] is Int && job["attempts"] is Int && job["duration_ms"] is Int && job["retries"] is Int)
        }
        let big = try #require(jobs.first { $0["key"] as? String == "data/big.bin" })
        #expect(big["bytes"] as? Int == 1_500_000)
        #expect(big["retries"] as? Int == 1)
        #expect(big["level"] as? String == "info", "a job that needed retries is logged at info")
        #expect(big["attempts"] as? Int ?? 0 >= 9, "Initiate, 6 parts, one of them twice, Complete: \(big)")

        // The retried attempt, at debug: which request, which attempt, OSS's answer.
        let retry = try #require(events(all, "retry").first)
        #expect(retry["level"] as? String == "debug")
        #expect(retry["operation"] as? String == "UploadPart")
        #expect(retry["key"] as? String == "data/big.bin")
        #expect(retry["attempt"] as? Int == 1)
        #expect(retry["http_status"] as? Int == 503)
        #expect(retry["code"] as? String == "ServiceUnavailable")
        #expect((retry["request_id"] as? String)?.isEmpty == false)
        #expect(retry["delay_ms"] is Int)

        let progress = events(all, "progress")
        #expect(progress.count >= 2, "\(result.stderr)")
        for line in progress {
            #expect(line["files_total"] as? Int == 5)
            #expect(line["files_done"] is Int && line["bytes_done"] is Int && line["bytes_sent"] is Int)
        }

        let finished = try #require(events(all, "run_finished").last)
        #expect(finished["status"] as? String == "succeeded")
        #expect(finished["exit_code"] as? Int == 0)
        #expect((finished["totals"] as? [String: Any])?["succeeded"] as? Int == 5)

        // The summary on stdout is one JSON object.
        let summary = try #require(
            try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any],
            "\(result.stdout)"
        )
        #expect(result.stdout.split(separator: "\n").count == 1)
        #expect(summary["status"] as? String == "succeeded")
        #expect(summary["exit_code"] as? Int == 0)
        #expect(summary["report"] as? String == h.reportPath)
        #expect((summary["totals"] as? [String: Any])?["jobs"] as? Int == 5)
        #expect(summary["bytes_sent"] as? Int ?? 0 >= 1_500_000)
        #expect(summary["resume_command"] == nil)
        h.expectNoSecrets(in: [result.stdout, result.stderr])
    }

    @Test func aFailingJobIsAnErrorRecordWithTheOSSCodeStatusAndRequestID() async throws {
        let h = try await EngineHarness.start("json-failed")
        defer { Task { await h.stop() } }
        try h.writeFile("good.txt", size: 10)
        try h.writeFile("bad.txt", size: 20)
        h.server.faults.add(
            FaultRule(
                operation: .putObject,
                keyContains: "bad",
                count: nil,
                action: .fail(status: 400, code: .invalidArgument)
            )
        )
        let manifest = try h.writeManifest()
        let result = try await h.ossbatch([
            "run", manifest, "--report", h.reportPath, "--progress-interval", "3600", "--log-format", "json",
            "--output", "json",
        ])
        #expect(result.exitCode == 1, "\(result.stderr)")
        let all = records(result)
        let failed = try #require(events(all, "job_finished").first { $0["status"] as? String == "failed" })
        #expect(failed["level"] as? String == "error")
        #expect(failed["key"] as? String == "data/bad.txt")
        #expect(failed["bytes"] as? Int == 20)
        #expect(failed["code"] as? String == "InvalidArgument")
        #expect(failed["http_status"] as? Int == 400)
        #expect((failed["request_id"] as? String)?.isEmpty == false)
        #expect(failed["error"] is String)
        #expect(events(all, "job_finished").count == 1, "the job that succeeded is a debug event: \(result.stderr)")
        let finished = try #require(events(all, "run_finished").last)
        #expect(finished["level"] as? String == "error")
        #expect(finished["exit_code"] as? Int == 1)

        let summary = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect(summary["status"] as? String == "failed")
        #expect(summary["resume_command"] as? String == "ossbatch resume \(h.reportPath)")
        let listed = try #require((summary["failed_jobs"] as? [[String: Any]])?.first)
        #expect(listed["key"] as? String == "data/bad.txt")
        #expect((listed["error"] as? [String: Any])?["code"] as? String == "InvalidArgument")
        h.expectNoSecrets(in: [result.stdout, result.stderr])
    }

    /// Every job done but files left out (a broken link followed): exit 1, so its end is a warning, which
    /// `--quiet` shows (it was a notice, as for exit 0).
    @Test func aRunThatLeftFilesOutEndsWithAWarningRecordNotANotice() async throws {
        let h = try await EngineHarness.start("json-left-out")
        defer { Task { await h.stop() } }
        try h.writeFile("a.txt", size: 10)
        let src = h.dir.url.appendingPathComponent("src").path
        try FileManager.default.createSymbolicLink(atPath: src + "/gone.txt", withDestinationPath: "old/gone.txt")
        let manifest = try h.writeManifest(extraEntryLines: ["follow_symlinks: true"])
        let result = try await h.ossbatch([
            "run", manifest, "--report", h.reportPath, "--log-format", "json", "--quiet",
        ])
        #expect(result.exitCode == 1, "\(result.stderr)")
        let finished = try #require(events(records(result), "run_finished").last, "\(result.stderr)")
        #expect(finished["level"] as? String == "warning")
        #expect(finished["status"] as? String == "succeeded")
        #expect(finished["exit_code"] as? Int == 1)
    }

    @Test func anInterruptedRunLogsTheSignalAndItsEndAsJSON() async throws {
        let h = try await EngineHarness.start("json-interrupted")
        defer { Task { await h.stop() } }
        for i in 0..<2 { try h.writeFile("big-\(i).bin", size: 2_000_000, seed: UInt64(i)) }
        let gate = h.hold(after: 2)
        defer { h.server.faults.open(gate: gate) }
        let manifest = try h.writeManifest(upload: ["concurrency: 2", "part_size: 256KiB", "multipart_threshold: 1MiB"])
        let process = try h.start([
            "run", manifest, "--report", h.reportPath, "--progress-interval", "0.2", "--log-format", "json",
        ])
        #expect(await h.waitUntil(.seconds(120)) { h.server.stats.snapshot.requestsInFlight >= 2 })
        try await Task.sleep(for: .milliseconds(500))  // a few progress lines (the parts hang until the gate opens)
        await h.interrupt(process)
        let result = await process.wait(timeout: .seconds(30))
        #expect(result.exitCode == 130, "\(result.stderr)")
        let all = records(result)
        #expect(events(all, "signal").first?["signal"] as? String == "SIGINT", "\(result.stderr)")
        #expect(events(all, "stopping").first?["grace_ms"] as? Int == 3000)
        #expect(!events(all, "progress").isEmpty)
        let finished = try #require(events(all, "run_finished").last)
        #expect(finished["status"] as? String == "interrupted")
        #expect(finished["exit_code"] as? Int == 130)
        #expect(finished["resume_command"] as? String == "ossbatch resume \(h.reportPath)")
        h.expectNoSecrets(in: [result.stdout, result.stderr])
    }

    @Test func missingCredentialsAreOneJSONErrorRecord() async throws {
        let h = try await EngineHarness.start("json-nocreds")
        defer { Task { await h.stop() } }
        try h.writeFile("a.txt", size: 10)
        let manifest = try h.writeManifest()
        let result = try await h.ossbatch(
            ["run", manifest, "--report", h.reportPath, "--log-format", "json"],
            environment: ["OSS_ACCESS_KEY_ID": nil, "OSS_ACCESS_KEY_SECRET": nil, "OSS_SESSION_TOKEN": nil]
        )
        #expect(result.exitCode == 3, "\(result.stderr)")
        let all = records(result)
        let error = try #require(events(all, "no_credentials").first, "\(result.stderr)")
        #expect(error["level"] as? String == "error")
        #expect(error["code"] as? String == "NoCredentials")
        #expect(error["report"] as? String == h.reportPath)
        #expect((error["message"] as? String)?.contains("OSS_ACCESS_KEY_ID") == true)
        #expect(h.server.stats.snapshot.requestsTotal == 0, "nothing was sent")
    }

    @Test func anInvalidManifestIsOneRecordPerProblemWithItsPosition() async throws {
        let h = try await EngineHarness.start("json-manifest")
        defer { Task { await h.stop() } }
        let manifest = try h.dir.write(
            "broken.yaml",
            "version: 1\ntarget:\n  bucket: b\n  endpont: x\n  regoin: y\nfiles:\n  - source: missing/\n"
        ).path
        let result = try await h.ossbatch(["run", manifest, "--log-format", "json"])
        #expect(result.exitCode == 2, "\(result.stderr)")
        let all = records(result)
        let problems = events(all, "manifest_error")
        #expect(problems.count >= 2, "\(result.stderr)")
        let typo = try #require(problems.first { ($0["message"] as? String)?.contains("endpont") == true })
        #expect(typo["file"] as? String == manifest)
        #expect(typo["line"] as? Int == 4)
        #expect(typo["column"] as? Int == 3)
        #expect(events(all, "manifest_invalid").first?["manifest_errors"] as? Int == problems.count)

        let usage = try await h.ossbatch(["run", "--log-format", "json", "--no-such-flag"])
        #expect(usage.exitCode == 2)
        #expect(events(records(usage), "usage_error").count == 1, "\(usage.stderr)")
    }

    @Test func textLogsStartWithATimestampWhenStderrIsNotATerminal() async throws {
        let h = try await EngineHarness.start("text-timestamps")
        defer { Task { await h.stop() } }
        try h.writeFile("a.txt", size: 10)
        h.server.faults.add(.failNth(1, .putObject, status: 503, code: .serviceUnavailable))
        let manifest = try h.writeManifest(upload: ["retries: {attempts: 3, base_delay: 1ms, max_delay: 2ms}"])
        let result = try await h.run(manifest)
        #expect(result.exitCode == 0, "\(result.stderr)")
        let lines = result.stderr.split(separator: "\n")
        #expect(lines.count == 2, "the banner and the job that needed a retry: \(result.stderr)")
        for line in lines {
            #expect(line.prefixMatch(of: #/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z /#) != nil, "\(line)")
        }
        #expect(result.stderrLines.first?.hasPrefix("ossbatch: 1 files") == true)
        #expect(result.stderrLines.last?.hasPrefix("info: data/a.txt: succeeded (after 1 retry") == true)
    }
}
