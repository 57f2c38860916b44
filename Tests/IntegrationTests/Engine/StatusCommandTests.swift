import Foundation
import LocalFiles
import LocalOSS
import OSSBatch
import TestSupport
import Testing

/// Issue 15 item 5, with the real binary: `ossbatch status` tells a running batch from one killed with -9,
/// and shows succeeded, interrupted and aborted batches with what to do next, as a table and as JSON.
@Suite(.serialized)
struct StatusCommandTests {
    /// A manifest named `name` uploading `src/` to `name/`, in parts the server answers slowly.
    static func batch(_ h: EngineHarness, _ name: String) throws -> String {
        try h.writeManifest(
            "\(name).yaml",
            upload: ["concurrency: 2", "files_in_flight: 1", "part_size: 128KiB", "multipart_threshold: 1MiB"],
            prefix: "\(name)/"
        )
    }

    static func partStored(_ h: EngineHarness, under prefix: String) -> Bool {
        h.server.log.all.contains {
            $0.operation == .uploadPart && $0.status == 200 && ($0.key?.hasPrefix(prefix) ?? false)
        }
    }

    /// `ossbatch status --json`, parsed: the document and each batch by name.
    static func statusJSON(
        _ h: EngineHarness,
        _ more: [String] = []
    ) async throws -> (exit: Int32, document: [String: Any], batches: [String: [String: Any]]) {
        let result = try await h.ossbatch(["status", "--json"] + more)
        let document = try #require(
            try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any],
            "\(result.stdout) \(result.stderr)"
        )
        let list = try #require(document["batches"] as? [[String: Any]])
        var batches: [String: [String: Any]] = [:]
        for batch in list { batches[batch["batch"] as? String ?? "?"] = batch }
        return (result.exitCode, document, batches)
    }

    /// `status PATH` names the report's batch as the state directory does: the unit's `--report
    /// STATE/nightly/report.json` is batch `nightly` (it was `report`, for the file), and a report elsewhere is
    /// named for its manifest, as logs and metrics name it.
    @Test func aReportGivenByPathIsNamedForItsBatch() async throws {
        let h = try await EngineHarness.start("status-by-path")
        defer { Task { await h.stop() } }
        try h.writeFile("a.bin", size: 1000, seed: 1)
        let manifest = try Self.batch(h, "nightly")
        let state = StateDirectory(path: h.stateDir)
        try FileManager.default.createDirectory(atPath: state.batch("nightly"), withIntermediateDirectories: true)
        let inState = state.batch("nightly") + "/report.json"
        for path in [inState, h.reportPath] {
            let run = try await h.ossbatch(["run", manifest, "--report", path, "--progress-interval", "3600"])
            #expect(run.exitCode == 0, "\(run.stderr)")
            let status = try await Self.statusJSON(h, [path])
            #expect(status.exit == 0 && status.batches.keys.sorted() == ["nightly"], "\(status.document)")
            #expect(status.batches["nightly"]?["report"] as? String == path)
        }
    }

    @Test func statusTellsRunningCrashedInterruptedAbortedAndSucceededBatchesApart() async throws {
        let h = try await EngineHarness.start("status")
        defer { Task { await h.stop() } }
        try h.writeFile("big.bin", size: 1_500_000, seed: 3)
        try h.writeFile("small.txt", size: 1000, seed: 4)
        let state = StateDirectory(path: h.stateDir)
        let progress = ["--progress-interval", "3600"]

        // Succeeded.
        #expect(try await h.ossbatch(["run", try Self.batch(h, "done")] + progress).exitCode == 0)

        // Interrupted, and interrupted then aborted: parts answered slowly and, after the first, held until the
        // SIGINT is acknowledged (`hold`), so that a loaded machine still signals before the end.
        for name in ["stopped", "gaveup"] {
            h.server.faults.add(
                FaultRule(
                    operation: .uploadPart,
                    keyContains: "\(name)/",
                    count: nil,
                    action: .delay(milliseconds: 1000)
                )
            )
            let gate = h.hold(keyContains: "\(name)/")
            let process = try h.start(["run", try Self.batch(h, name)] + progress)
            #expect(await h.waitUntil { Self.partStored(h, under: "\(name)/") })
            await h.interrupt(process)
            h.server.faults.open(gate: gate)
            #expect(await process.wait().exitCode == 130)
        }
        let gaveUp = try #require(state.reports(ofBatch: "gaveup").first)
        let aborted = try await h.ossbatch(["abort", gaveUp])
        #expect(aborted.exitCode == 0, "\(aborted.stderr)")

        // Crashed: killed with -9 while it ran.
        h.server.faults.add(
            FaultRule(operation: .uploadPart, keyContains: "killed/", count: nil, action: .delay(milliseconds: 200))
        )
        let killedGate = h.hold(keyContains: "killed/")
        let killed = try h.start(["run", try Self.batch(h, "killed")] + progress)
        #expect(await h.waitUntil { Self.partStored(h, under: "killed/") })
        killed.signal(SIGKILL)
        _ = await killed.wait()
        h.server.faults.open(gate: killedGate)

        // Running: its parts hang (ten minutes) until the test kills it.
        h.server.faults.add(
            FaultRule(operation: .uploadPart, keyContains: "live/", count: nil, action: .delay(milliseconds: 600_000))
        )
        let live = try h.start(["run", try Self.batch(h, "live")] + progress)
        defer { live.signal(SIGKILL) }
        #expect(
            await h.waitUntil {
                state.reports(ofBatch: "live").first.map { ReportLock.holder(of: $0)?.pid == live.pid } ?? false
            }
        )

        // The next start of the live batch is refused as busy; its new report (status fatal) is newer, but
        // the batch's line stays the running one.
        let overlapping = try await h.ossbatch(["run", try Self.batch(h, "live")] + progress)
        #expect(overlapping.exitCode == 4, "\(overlapping.stderr)")
        #expect(state.reports(ofBatch: "live").count == 2)
        // That refused report alone (as when the running night writes its report elsewhere): fatal, said to
        // have been refused, and no `resume` advised — it would upload again what the running night uploads.
        let refusedReport = try #require(
            state.reports(ofBatch: "live").first { ReportLock.holder(of: $0)?.pid != live.pid }
        )
        let (_, _, alone) = try await Self.statusJSON(h, [refusedReport])
        let refused = try #require(alone.values.first)
        #expect(refused["status"] as? String == "fatal")
        #expect(refused["next"] == nil, "\(refused)")
        #expect(
            (refused["problem"] as? String)?.contains("this report never ran: it was refused because") == true,
            "\(refused)"
        )

        let (exit, document, batches) = try await Self.statusJSON(h)
        #expect(exit == 1, "not every batch succeeded or runs")
        #expect(document["exit_code"] as? Int == 1)
        #expect(document["state_directory"] as? String == h.stateDir)
        #expect(Set(batches.keys) == ["done", "stopped", "gaveup", "killed", "live"])
        #expect(batches["done"]?["status"] as? String == "succeeded")
        #expect(batches["done"]?["next"] == nil)
        #expect((batches["done"]?["totals"] as? [String: Any])?["succeeded"] as? Int == 2)
        #expect(batches["stopped"]?["status"] as? String == "interrupted")
        let stoppedReport = try #require(state.reports(ofBatch: "stopped").first)
        #expect(batches["stopped"]?["next"] as? String == "ossbatch resume \(stoppedReport)")
        #expect(batches["gaveup"]?["status"] as? String == "aborted")
        #expect(batches["gaveup"]?["next"] == nil)
        #expect(batches["killed"]?["status"] as? String == "crashed")
        // Its multipart upload is open (and billed): in a checkpoint, in no job line (a killed run journals a
        // job at its end only).
        #expect(
            (batches["killed"]?["totals"] as? [String: Any])?["open_uploads"] as? Int == 1,
            "\(batches["killed"] ?? [:])"
        )
        #expect((batches["killed"]?["last_run"] as? [String: Any])?["pid"] as? Int == Int(killed.pid))
        #expect((batches["killed"]?["next"] as? String)?.hasPrefix("ossbatch resume ") == true)
        #expect(batches["live"]?["status"] as? String == "running")
        #expect((batches["live"]?["holder"] as? [String: Any])?["pid"] as? Int == Int(live.pid))
        #expect(batches["live"]?["next"] == nil)
        #expect(batches["live"]?["last_run_at"] is String)
        #expect(batches["live"]?["report"] as? String == state.reports(ofBatch: "live").last)

        // The table: one line per batch, in name order.
        let table = try await h.ossbatch(["status"])
        #expect(table.exitCode == 1)
        let lines = table.stdout.split(separator: "\n").map(String.init)
        #expect(lines.first?.hasPrefix("BATCH") == true)
        let rows = Dictionary(lines.dropFirst().prefix(5).map { (String($0.prefix { $0 != " " }), $0) }) { a, _ in a }
        #expect(rows["live"]?.contains("running (pid \(live.pid))") == true, "\(table.stdout)")
        #expect(rows["killed"]?.contains("crashed (pid \(killed.pid))") == true, "\(table.stdout)")
        #expect(
            rows["stopped"]?.contains("interrupted") == true
                && rows["stopped"]?.hasSuffix("ossbatch resume \(stoppedReport)") == true
        )
        #expect(rows["done"]?.contains("succeeded") == true && rows["done"]?.contains("2/2 done") == true)
        #expect(rows["gaveup"]?.contains("aborted") == true)
        #expect(table.stdout.contains("killed: its last run never ended: the process was killed"))

        // One batch, by name and by report path; exit 0 for a batch that succeeded or runs.
        #expect(try await h.ossbatch(["status", "done"]).exitCode == 0)
        #expect(try await Self.statusJSON(h, ["live"]).exit == 0)
        let byPath = try await h.ossbatch(["status", stoppedReport])
        #expect(byPath.exitCode == 1 && byPath.stdout.contains("stopped ") && byPath.stdout.contains("interrupted"))
        let unknown = try await h.ossbatch(["status", "nosuch"])
        #expect(unknown.exitCode == 2 && unknown.stderr.contains("no batch named 'nosuch'"), "\(unknown.stderr)")

        // Killed while it ran, the live batch is crashed now: the lock went with the process.
        live.signal(SIGKILL)
        _ = await live.wait()
        let after = try await Self.statusJSON(h, ["live"])
        #expect(after.batches["live"]?["status"] as? String == "crashed" && after.exit == 1)
    }

    @Test func anOlderUnfinishedReportOfABatchIsListedUnderItsNewestAndFailsTheCheck() async throws {
        let h = try await EngineHarness.start("status-older")
        defer { Task { await h.stop() } }
        try h.writeFile("big.bin", size: 1_500_000, seed: 5)
        let state = StateDirectory(path: h.stateDir)
        let manifest = try Self.batch(h, "nightly")
        h.server.faults.add(
            FaultRule(operation: .uploadPart, keyContains: "nightly/", count: nil, action: .delay(milliseconds: 200))
        )
        let gate = h.hold(keyContains: "nightly/")
        let first = try h.start(["run", manifest, "--progress-interval", "3600"])
        #expect(await h.waitUntil { Self.partStored(h, under: "nightly/") })
        await h.interrupt(first)
        h.server.faults.open(gate: gate)
        #expect(await first.wait().exitCode == 130)
        let older = try #require(state.reports(ofBatch: "nightly").first)
        h.server.faults.removeAll()
        // The next night's run finishes (it continues the interrupted uploads it meets), but the older
        // report still says interrupted until it is resumed.
        let second = try await h.ossbatch(["run", manifest, "--progress-interval", "3600"])
        #expect(second.exitCode == 0, "\(second.stderr)")
        let status = try await Self.statusJSON(h)
        let nightly = try #require(status.batches["nightly"])
        #expect(nightly["status"] as? String == "succeeded")
        let listed = try #require(nightly["other_unfinished"] as? [[String: Any]])
        #expect(listed.map { $0["report"] as? String } == [older])
        #expect(listed.first?["status"] as? String == "interrupted")
        #expect(status.exit == 1)
        let table = try await h.ossbatch(["status"])
        #expect(
            table.stdout.contains("nightly: another report is interrupted: \(older); next: ossbatch resume \(older)")
        )
    }

    /// A night killed, the next night refused by OSS, then the killed night resumed: the batch's newest report
    /// is the failed night's (by when each was made), not the resumed one written last (audit of 72b75db: status went
    /// green, exit 0, while last night's snapshot was incomplete).
    @Test func anOlderNightResumedLastDoesNotHideTheFailedNightAfterIt() async throws {
        let h = try await EngineHarness.start("status-resumed-older")
        defer { Task { await h.stop() } }
        try h.writeFile("big.bin", size: 1_500_000, seed: 5)
        try h.writeFile("small.txt", size: 1000, seed: 6)
        let state = StateDirectory(path: h.stateDir)
        let manifest = try Self.batch(h, "nightly")
        let progress = ["--progress-interval", "3600"]
        let gate = h.hold(keyContains: "nightly/")
        let killed = try h.start(["run", manifest] + progress)
        #expect(await h.waitUntil { Self.partStored(h, under: "nightly/") })
        killed.signal(SIGKILL)
        _ = await killed.wait()
        h.server.faults.open(gate: gate)
        h.server.faults.removeAll()
        let first = try #require(state.reports(ofBatch: "nightly").first)
        try await Task.sleep(for: .milliseconds(20))  // the next night is made after it
        h.server.faults.add(
            FaultRule(operation: .putObject, count: nil, action: .fail(status: 403, code: .accessDenied))
        )
        let fatal = try await h.ossbatch(["run", manifest] + progress)
        // Fatal (3) when its first request is refused; failed (1) when a part of the upload it continues was
        // answered first: either way the night did not succeed.
        #expect(fatal.exitCode == 3 || fatal.exitCode == 1, "\(fatal.stderr)")
        h.server.faults.removeAll()
        let last = try #require(state.reports(ofBatch: "nightly").first { $0 != first })
        let resumed = try await h.ossbatch(["resume", first] + progress)
        #expect(resumed.exitCode == 0, "\(resumed.stderr)")
        let status = try await Self.statusJSON(h)
        let nightly = try #require(status.batches["nightly"])
        #expect(nightly["report"] as? String == last, "\(nightly)")
        #expect(["fatal", "failed"].contains(nightly["status"] as? String ?? ""), "\(nightly)")
        #expect(status.exit == 1)
    }

    @Test func aReportWrittenInTheFutureCannotHideTheFatalNightAfterIt() async throws {
        let h = try await EngineHarness.start("status-future")
        defer { Task { await h.stop() } }
        try h.writeFile("a.bin", size: 1000)
        let manifest = try h.writeManifest("nightly.yaml")
        let state = StateDirectory(path: h.stateDir)
        let progress = ["--progress-interval", "3600"]
        #expect(try await h.ossbatch(["run", manifest] + progress).exitCode == 0)
        // That night this machine's clock ran a year fast: its report is dated a year ahead.
        let ahead = try #require(state.reports(ofBatch: "nightly").first)
        try FileManager.default.setAttributes(
            [.modificationDate: Date().addingTimeInterval(365 * 86400)],
            ofItemAtPath: ahead
        )
        // Tonight (the clock right again) the batch fails: OSS refuses every upload.
        h.server.faults.add(
            FaultRule(operation: .putObject, count: nil, action: .fail(status: 403, code: .accessDenied))
        )
        #expect(try await h.ossbatch(["run", manifest] + progress).exitCode != 0)
        #expect(state.reports(ofBatch: "nightly").count == 2)

        // By when each was written, the year-ahead report is the newest, and it succeeded; the batch still needs
        // attention, and the table says why.
        let table = try await h.ossbatch(["status", "nightly"])
        #expect(table.exitCode == 1, "\(table.stdout)")
        #expect(table.stdout.contains("nightly: a report was last written in the future"), "\(table.stdout)")
        #expect(table.stdout.contains(ahead))
        let json = try await Self.statusJSON(h, ["nightly"])
        #expect(json.exit == 1)
        #expect(json.batches["nightly"]?["future_reports"] as? [String] == [ahead])
    }

    @Test func aNightThatLeftAFileOutNeedsAttentionAndTheCleanNightAfterItDoesNot() async throws {
        let h = try await EngineHarness.start("status-exceptions")
        defer { Task { await h.stop() } }
        try h.writeFile("a.bin", size: 1000)
        let link = h.dir.url.appendingPathComponent("src/gone.bin").path
        #expect(symlink("/nonexistent/target", link) == 0)
        let manifest = try h.writeManifest("nightly.yaml", extraEntryLines: ["follow_symlinks: true"])
        let progress = ["--progress-interval", "3600"]
        // The run uploads what it can, says `succeeded`, and exits 1: a file was left out.
        #expect(try await h.ossbatch(["run", manifest] + progress).exitCode == 1)
        let night = try await Self.statusJSON(h, ["nightly"])
        #expect(night.exit == 1)
        #expect(night.batches["nightly"]?["status"] as? String == "succeeded")
        #expect((night.batches["nightly"]?["problem"] as? String)?.contains("exited 1") == true)

        // The link is mended; the next night is clean, and the older night is not "unfinished".
        #expect(unlink(link) == 0)
        try await Task.sleep(for: .milliseconds(20))  // a later mtime for the newer report
        #expect(try await h.ossbatch(["run", manifest] + progress).exitCode == 0)
        let next = try await Self.statusJSON(h, ["nightly"])
        #expect(next.exit == 0, "\(next.document)")
        #expect(next.batches["nightly"]?["problem"] == nil && next.batches["nightly"]?["other_unfinished"] == nil)
    }

    @Test func aBatchWhoseOnlyReportIsNotAFileIsListedAsUnreadableNotLeftOut() async throws {
        let h = try await EngineHarness.start("status-odd-report")
        defer { Task { await h.stop() } }
        let state = StateDirectory(path: h.stateDir)
        try FileManager.default.createDirectory(atPath: state.reports(batch: "odd"), withIntermediateDirectories: true)
        let path = state.reports(batch: "odd") + "/ossbatch-report-20261205T000000.000Z.json"
        #expect(symlink("/dev/zero", path) == 0)
        let json = try await Self.statusJSON(h)
        #expect(json.exit == 1)
        #expect(json.batches["odd"]?["status"] as? String == "unreadable", "\(json.document)")
        #expect((json.batches["odd"]?["problem"] as? String)?.contains("not a report file") == true)
    }

    /// A link or directory put where the newest night's report was is that night unreadable, not skipped:
    /// before, status fell back to the night before (`succeeded`, exit 0) over a crashed night.
    @Test func aNewestReportReplacedByALinkOrADirectoryIsUnreadableNotSkipped() async throws {
        let h = try await EngineHarness.start("status-odd-newest")
        defer { Task { await h.stop() } }
        try h.writeFile("a.txt", size: 10)
        let manifest = try h.writeManifest("nightly.yaml")
        #expect(try await h.ossbatch(["run", manifest, "--progress-interval", "3600"]).exitCode == 0)
        let state = StateDirectory(path: h.stateDir)
        try await Task.sleep(for: .milliseconds(20))
        let makers: [(String) -> Int32] = [{ symlink("/dev/zero", $0) }, { mkdir($0, 0o700) }]
        for (i, make) in makers.enumerated() {
            let path = state.reports(batch: "nightly") + "/ossbatch-report-20991231T00000\(i).000Z.json"
            #expect(make(path) == 0)
            let json = try await Self.statusJSON(h, ["nightly"])
            #expect(json.exit == 1, "\(json.document)")
            #expect(json.batches["nightly"]?["status"] as? String == "unreadable", "\(json.document)")
            #expect((json.batches["nightly"]?["report"] as? String) == path)
            _ = unlink(path) == 0 || rmdir(path) == 0
        }
        #expect(try await Self.statusJSON(h, ["nightly"]).exit == 0)
        // A link to the batch's own report (an operator's `latest.json`) is that report, not a night.
        let latest = state.batch("nightly") + "/latest.json"
        #expect(symlink(try #require(state.reports(ofBatch: "nightly").first), latest) == 0)
        let linked = try await Self.statusJSON(h, ["nightly"])
        #expect(
            linked.exit == 0 && linked.batches["nightly"]?["status"] as? String == "succeeded",
            "\(linked.document)"
        )
        #expect(unlink(latest) == 0)

        // A report cut short in its job lines is unreadable too (from its first line alone it passed for a
        // resumable one, and `resume` then refused it).
        let report = try #require(state.reports(ofBatch: "nightly").first)
        let bytes = try Data(contentsOf: URL(fileURLWithPath: report))
        try bytes.prefix(bytes.count - 10).write(to: URL(fileURLWithPath: report))
        let cut = try await h.ossbatch(["status", report])
        #expect(cut.exitCode == 2 && cut.stderr.contains(report), "\(cut.stdout)\(cut.stderr)")
        let batch = try await Self.statusJSON(h, ["nightly"])
        #expect(batch.batches["nightly"]?["status"] as? String == "unreadable", "\(batch.document)")
    }

    /// The notes under the table show a path with a line break escaped, on one line: printed raw, a report named
    /// `x\nnightly: ok.json` forged a line that looked like ossbatch's own (review of 572eea5).
    @Test func aNoteNamingAReportWithALineBreakStaysOneLine() async throws {
        let h = try await EngineHarness.start("status-note-newline")
        defer { Task { await h.stop() } }
        try h.writeFile("a.txt", size: 10)
        let src = h.dir.url.appendingPathComponent("src").path
        try FileManager.default.createSymbolicLink(atPath: src + "/gone.txt", withDestinationPath: "nowhere")
        let manifest = try h.writeManifest("nightly.yaml", extraEntryLines: ["follow_symlinks: true"])
        let report = h.dir.path + "/x\nnightly: ok, nothing to do.json"
        #expect(
            try await h.ossbatch(["run", manifest, "--report", report, "--progress-interval", "3600"]).exitCode == 1
        )
        let status = try await h.ossbatch(["status", report])
        #expect(status.exitCode == 1, "\(status.stdout)\(status.stderr)")
        #expect(status.stdout.contains("exited 1"), "\(status.stdout)")
        #expect(!status.stdout.split(separator: "\n").contains { $0.hasPrefix("nightly: ok") }, "\(status.stdout)")
    }

    /// A header edited to counts no report has (near `Int.max`, negative, not adding up) makes its report
    /// unreadable: the table's sum of two of them trapped `status` (exit 132) for every batch of the state
    /// directory, and negative ones were shown as they were (review of 572eea5).
    @Test func aHeaderEditedToImpossibleCountsIsUnreadableNotACrash() async throws {
        let h = try await EngineHarness.start("status-impossible-totals")
        defer { Task { await h.stop() } }
        try h.writeFile("a.txt", size: 10)
        let manifest = try h.writeManifest("nightly.yaml")
        #expect(try await h.ossbatch(["run", manifest, "--progress-interval", "3600"]).exitCode == 0)
        let report = try #require(StateDirectory(path: h.stateDir).reports(ofBatch: "nightly").first)
        let original = try String(contentsOfFile: report, encoding: .utf8)
        let max = "\(Int.max)"
        for edits in [[("succeeded", max)], [("succeeded", max), ("skipped", max)], [("pending", "-1")]] {
            let field = edits.map(\.0).joined(separator: "+")
            var lines = original.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            for (name, value) in edits {
                lines[0] = lines[0].replacingOccurrences(
                    of: #""\#(name)":[0-9]+"#,
                    with: "\"\(name)\":\(value)",
                    options: .regularExpression
                )
            }
            #expect(lines[0] != original.split(separator: "\n").first.map(String.init))
            try lines.joined(separator: "\n").write(toFile: report, atomically: false, encoding: .utf8)
            let table = try await h.ossbatch(["status"])
            #expect(table.exitCode == 1, "\(field): \(table.stdout)\(table.stderr)")
            #expect(table.stdout.contains("unreadable"), "\(field): \(table.stdout)")
            let json = try await Self.statusJSON(h, ["nightly"])
            #expect(json.batches["nightly"]?["status"] as? String == "unreadable", "\(field): \(json.document)")
            let byPath = try await h.ossbatch(["status", report])
            #expect(byPath.exitCode == 2, "\(field): \(byPath.stdout)\(byPath.stderr)")
        }
    }

    /// A state directory this user may not list (the runs' own, `0700`, and a monitor run as another user) is an
    /// error, not "no batches": `status` said `{"batches":[],"exit_code":0}` and the documented check printed OK
    /// every night whatever the batches did; `uploads --abort` found no batch's hold and took every upload for a
    /// stray (review of ca63f16).
    @Test(
        .enabled(
            if: Unprivileged.isAvailable && geteuid() == 0,
            "needs root to keep a state directory from another user"
        )
    )
    func aStateDirectoryThisUserMayNotListIsAnErrorNotNoBatches() async throws {
        let h = try await EngineHarness.start("status-unlistable")
        defer { Task { await h.stop() } }
        try h.writeFile("a.bin", size: 1000, seed: 1)
        let manifest = try Self.batch(h, "nightly")
        let run = try await h.ossbatch(["run", manifest, "--progress-interval", "3600"])
        #expect(run.exitCode == 0, "\(run.stderr)")
        // The manifest and the rest readable by the other user; the state directory root's alone.
        try Unprivileged.handOver(h.dir.url)
        #expect(chown(h.stateDir, 0, 0) == 0 && chmod(h.stateDir, 0o700) == 0)
        let status = try await h.unprivileged(["status", "--json"])
        #expect(status.exitCode == 2, "\(status.stdout)\(status.stderr)")
        #expect(status.stderr.contains("cannot list the state directory \(h.stateDir)"), "\(status.stderr)")
        let resume = try await h.unprivileged(["resume", "--batch", "nightly"])
        #expect(resume.exitCode == 2 && resume.stderr.contains("cannot list the state directory"), "\(resume.stderr)")
        h.server.stats.reset()
        let sweep = try await h.unprivileged(["uploads", manifest, "--abort"])
        #expect(sweep.exitCode == 2 && sweep.stderr.contains("nothing was aborted"), "\(sweep.stderr)")
        #expect(h.server.stats.snapshot.requestsByOperation.isEmpty)
        // Listing alone (no abort) still works: it changes nothing.
        let listing = try await h.unprivileged(["uploads", manifest])
        #expect(listing.exitCode == 0, "\(listing.stderr)")
    }

    /// A run that ends before writing a report (its manifest broken by an edit, selecting no files, its report
    /// path unusable) is what `status` says of its batch from then on: the last report alone said `succeeded`,
    /// exit 0, over every such night (review of ca63f16). The next run that writes its report clears it; a
    /// batch whose first run failed so is listed by it.
    @Test func aRunThatEndedBeforeWritingAReportIsWhatStatusSaysOfItsBatch() async throws {
        let h = try await EngineHarness.start("status-failed-start")
        defer { Task { await h.stop() } }
        try h.writeFile("a.bin", size: 1000, seed: 1)
        let manifest = try Self.batch(h, "nightly")
        let good = try String(contentsOfFile: manifest, encoding: .utf8)
        let run = ["run", manifest, "--progress-interval", "3600"]
        #expect(try await h.ossbatch(run).exitCode == 0)
        #expect(try await Self.statusJSON(h).exit == 0)

        try (good + "  bogus: [\n").write(toFile: manifest, atomically: true, encoding: .utf8)
        let broken = try await h.ossbatch(run)
        #expect(broken.exitCode == 2, "\(broken.stderr)")
        let after = try await Self.statusJSON(h)
        #expect(after.exit == 1, "\(after.document)")
        let line = try #require(after.batches["nightly"])
        #expect(line["status"] as? String == "succeeded")
        let problem = try #require(line["problem"] as? String, "\(line)")
        #expect(problem.contains("ended with exit 2 before writing a report"), "\(problem)")
        let record = FailedStart.path(batch: "nightly", in: StateDirectory(path: h.stateDir))
        #expect(try FileStatus.lstat(record).permissions & 0o777 == 0o600)

        try good.write(toFile: manifest, atomically: true, encoding: .utf8)
        #expect(try await h.ossbatch(run).exitCode == 0)
        #expect(try await Self.statusJSON(h).exit == 0)
        #expect(!FileManager.default.fileExists(atPath: record))

        // A batch whose first run fails: listed by its failed start, `fatal`.
        let other = try h.dir.write(
            "weekly.yaml",
            """
            version: 1
            target: {endpoint: \(h.endpoint), region: local, bucket: \(h.bucket), addressing: path}
            files:
              - source: nothing-here/

            """
        ).path
        #expect(try await h.ossbatch(["run", other, "--progress-interval", "3600"]).exitCode == 2)
        let first = try await Self.statusJSON(h)
        #expect(first.exit == 1 && first.batches["weekly"]?["status"] as? String == "fatal", "\(first.document)")
        #expect(first.batches["nightly"]?["status"] as? String == "succeeded")

        // A record that cannot be read (emptied here) still needs a look: taken for none, it was `succeeded`,
        // exit 0 (review of 572eea5).
        #expect(FileManager.default.createFile(atPath: record, contents: Data()))
        let emptied = try await Self.statusJSON(h)
        #expect(emptied.exit == 1, "\(emptied.document)")
        let said = try #require(emptied.batches["nightly"]?["problem"] as? String, "\(emptied.document)")
        #expect(said.contains("failed-start record"), "\(said)")
    }
}
