import Foundation
import OSSBatch
import TestSupport
import Testing

/// A run from cron or a wrapper script whose stdout or stderr nobody can take: closed descriptors, a full log
/// disk (`/dev/full`), a reader that went away (a pipe whose read end is closed). The batch goes on to its end
/// with its report, every object exact; only a stdout that cannot take the output changes the exit status.
@Suite(.serialized)
struct UnwatchedOutputTests {
    /// Runs the real binary through `sh`, its descriptors set up by `redirections` (e.g. `>&- 2>&-`); the
    /// harness still reads what `sh` leaves of stdout and stderr.
    private func ossbatch(_ h: EngineHarness, _ arguments: [String], redirections: String) async throws -> ProcessResult
    {
        try await h.ossbatchVia(
            URL(fileURLWithPath: "/bin/sh"),
            ["-c", "exec \"$0\" \"$@\" \(redirections)", Products.url("ossbatch").path] + arguments
        )
    }

    /// Runs the real binary with its stdout the write end of a pipe whose read end is already closed, and
    /// SIGPIPE at its default action.
    private func ossbatchIntoAClosedPipe(_ h: EngineHarness, _ arguments: [String]) async throws -> ProcessResult {
        try await h.ossbatchAfterPython("r, w = os.pipe(); os.close(r); os.dup2(w, 1)", arguments)
    }

    private func setUp(_ label: String) async throws -> (EngineHarness, String) {
        let h = try await EngineHarness.start(label)
        for i in 0..<4 { try h.writeFile("f\(i).bin", size: 100_000 + i, seed: UInt64(i)) }
        try h.writeFile("big.bin", size: 700_000, seed: 9)
        let manifest = try h.writeManifest(upload: ["part_size: 100KiB", "multipart_threshold: 200KiB"])
        return (h, manifest)
    }

    private func expectWholeBatch(_ h: EngineHarness, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let report = try h.report()
        #expect(report.status == .succeeded, sourceLocation: sourceLocation)
        #expect(
            report.jobs.count == 5 && report.jobs.allSatisfy { $0.status == .succeeded },
            sourceLocation: sourceLocation
        )
        // Read by an independent parser: no log line was written into it.
        let (_, lines) = try h.reportAsJSON()
        #expect(lines.count == 5, sourceLocation: sourceLocation)
        try h.expectAllStoredExactly()
        #expect(
            !FileManager.default.fileExists(atPath: h.reportPath + ".lock"),
            "lock released",
            sourceLocation: sourceLocation
        )
    }

    @Test func closedStandardDescriptorsNeitherStopTheRunNorBecomeItsFiles() async throws {
        let (h, manifest) = try await setUp("closed-fds")
        defer { Task { await h.stop() } }
        // With 1 and 2 closed, the next files opened took their numbers and the log went into them; the
        // first failed write trapped (exit 132), the report unfinished.
        let run = ["run", manifest, "--report", h.reportPath, "--progress-interval", "0.01", "--log-level", "debug"]
        let result = try await ossbatch(h, run, redirections: "<&- >&- 2>&-")
        #expect(result.exitCode == 0 && !result.signaled, "\(result)")
        try expectWholeBatch(h)
        let journal = try String(contentsOfFile: h.reportPath + ".journal", encoding: .utf8)
        #expect(!journal.contains("ossbatch:") && !journal.contains("progress"), "no log line in the journal")
        let second = try await ossbatch(h, ["resume", h.reportPath], redirections: "<&- >&- 2>&-")
        #expect(second.exitCode == 0, "\(second)")
    }

    @Test func aFullLogDiskLeavesTheRunToFinishWithItsExitStatus() async throws {
        let (h, manifest) = try await setUp("full-stderr")
        defer { Task { await h.stop() } }
        let result = try await ossbatch(
            h,
            ["run", manifest, "--report", h.reportPath, "--progress-interval", "0.01", "--log-level", "debug"],
            redirections: "2>/dev/full"
        )
        #expect(result.exitCode == 0 && !result.signaled, "\(result)")
        #expect(result.stdout.contains("5 succeeded, 0 skipped, 0 failed, 0 pending of 5 files"))
        try expectWholeBatch(h)
    }

    @Test func aStdoutThatCannotTakeTheSummaryIsExit3AfterTheBatchEnded() async throws {
        let (h, manifest) = try await setUp("full-stdout")
        defer { Task { await h.stop() } }
        let metrics = h.dir.path + "/ossbatch.prom"
        let result = try await ossbatch(
            h,
            ["run", manifest, "--report", h.reportPath, "--metrics-file", metrics],
            redirections: ">/dev/full"
        )
        #expect(result.exitCode == 3 && !result.signaled, "\(result)")
        #expect(
            result.stderr.contains(
                "error: cannot write to standard output: No space left on device; its output is incomplete (exit status 0 becomes 3)"
            ),
            "\(result.stderr)"
        )
        try expectWholeBatch(h)
        // The report's run says what the process exited with (it said 0: audit of 49872c5); the batch is done.
        let report = try h.report()
        #expect(report.runs.last?.exitCode == 3 && report.status == .succeeded, "\(report.runs)")
        let text = try String(contentsOfFile: metrics, encoding: .utf8)
        let line = text.split(separator: "\n").first { $0.hasPrefix("ossbatch_last_run_exit_code{") }
        #expect(line?.split(separator: " ").last.flatMap { Double($0) } == 3, "\(text)")
        // A monitor on `status` hears of it too.
        let status = try await h.ossbatch(["status", h.reportPath])
        #expect(status.exitCode == 1 && status.stdout.contains("could not be written to stdout"), "\(status)")
    }

    @Test func aReaderThatWentAwayIsABrokenPipeNotAKilledRun() async throws {
        let (h, manifest) = try await setUp("broken-pipe")
        defer { Task { await h.stop() } }
        // SIGPIPE killed the process at its first write (exit 141 from a shell), the report unfinished.
        let result = try await ossbatchIntoAClosedPipe(
            h,
            ["run", manifest, "--report", h.reportPath, "--log-format", "json"]
        )
        #expect(result.exitCode == 3 && !result.signaled, "\(result)")
        let record = try #require(result.stderrRecords.last ?? nil, "\(result.stderr)")
        #expect(record["event"] as? String == "output_lost")
        #expect(record["reason"] as? String == "Broken pipe")
        #expect(record["exit_status"] as? Int == 0)
        try expectWholeBatch(h)
    }

    @Test func aPlanThatStdoutCannotTakeIsExit3NotACutOffDocumentAndExit0() async throws {
        let (h, manifest) = try await setUp("plan-output")
        defer { Task { await h.stop() } }
        let full = try await ossbatch(h, ["plan", manifest, "--json"], redirections: ">/dev/full")
        #expect(full.exitCode == 3 && !full.signaled, "\(full)")
        #expect(full.stderr.contains("cannot write to standard output: No space left on device"), "\(full.stderr)")
        let piped = try await ossbatchIntoAClosedPipe(h, ["plan", manifest])
        #expect(piped.exitCode == 3 && !piped.signaled, "\(piped)")
        #expect(piped.stderr.contains("cannot write to standard output: Broken pipe"), "\(piped.stderr)")
        // An invalid manifest keeps its own status.
        let invalid = try h.dir.write("bad.yaml", "version: 1\nfiles: 3\n").path
        let bad = try await ossbatch(h, ["plan", invalid], redirections: ">/dev/full")
        #expect(bad.exitCode == 2, "\(bad)")
        #expect(h.server.stats.snapshot.requestsByOperation.isEmpty)
    }

    /// Help, the version and a completion script are output like any other: exit 3 when stdout cannot take
    /// them (the install guide writes completions to a file; a full disk left it cut off, exit 0: review of
    /// 572eea5).
    @Test func helpVersionAndCompletionScriptsThatStdoutCannotTakeAreExit3() async throws {
        let (h, _) = try await setUp("help-output")
        defer { Task { await h.stop() } }
        for arguments in [["--version"], ["--help"], ["plan", "--help"], ["--generate-completion-script", "bash"]] {
            let full = try await ossbatch(h, arguments, redirections: ">/dev/full")
            #expect(full.exitCode == 3 && !full.signaled, "\(arguments): \(full)")
            let whole = try await ossbatch(h, arguments, redirections: "")
            #expect(whole.exitCode == 0 && !whole.stdout.isEmpty, "\(arguments): \(whole)")
        }
    }
}
