import Foundation
import LocalFiles
import LocalOSS
import OSSBatch
import TestSupport
import Testing

/// Issue 13 item 1, with the real binary: the report, batch and key locks.
@Suite(.serialized)
struct StateLockTests {
    /// Three multipart files of 8 parts each, every part answered `delay` ms late (4 at a time): an
    /// interrupted run (whose parts in flight finish) leaves parts for the next. A test that must meet the
    /// run in flight holds its parts (`EngineHarness.hold`) and lets them go when it is done.
    static func slowBatch(_ h: EngineHarness, files: Int = 3, size: Int = 1_000_000, delay: Int = 1000) throws -> String
    {
        for i in 0..<files { try h.writeFile("big-\(i).bin", size: size + i * 1000, seed: UInt64(i + 1)) }
        h.server.faults.add(FaultRule(operation: .uploadPart, count: nil, action: .delay(milliseconds: delay)))
        return try h.writeManifest(upload: [
            "concurrency: 4", "files_in_flight: 2", "part_size: 128KiB", "multipart_threshold: 256KiB",
        ])
    }

    /// Body bytes of the parts the server stored, each part of each upload once (a part the run sent again
    /// after its held answer outlasted the transport's 30 s timeout, on a loaded machine, is stored twice).
    static func partBytes(_ h: EngineHarness) -> UInt64 {
        var parts: [String: UInt64] = [:]
        for entry in h.server.log.all where entry.operation == .uploadPart && entry.status == 200 {
            parts["\(entry.uploadID ?? "") \(entry.partNumber ?? 0)"] = entry.bytes
        }
        return parts.values.reduce(0, +)
    }

    /// Every byte was sent by the run that held the batch: each part stored once, and the server answered
    /// exactly the requests for the batch's keys that `report` counts, retries included — none from the
    /// refused runs (whose requests would name the same keys).
    static func expectOnlySent(by report: String, _ h: EngineHarness) throws {
        #expect(partBytes(h) == (try sourceBytes(h)), "every part stored once")
        let sent = try ReportStore.load(report).jobs.reduce(0) { $0 + $1.outcome.attempts }
        #expect(h.server.log.all.filter { $0.key != nil }.count == sent, "no request but the first run's")
    }

    static func sourceBytes(_ h: EngineHarness) throws -> UInt64 {
        try h.sources().reduce(0) { total, source in
            total + UInt64((try FileManager.default.attributesOfItem(atPath: source.url.path)[.size] as? Int) ?? 0)
        }
    }

    @Test func twoOverlappingRunsOfOneManifestOneExitsBusyAtOnceTheOtherStoresEveryObjectOnce() async throws {
        let h = try await EngineHarness.start("overlap")
        defer { Task { await h.stop() } }
        let manifest = try Self.slowBatch(h)
        let gate = h.hold()
        let first = try h.start(["run", manifest, "--report", h.dir.path + "/a.json", "--progress-interval", "3600"])
        #expect(await h.waitUntil { h.somePartStored })
        let second = try await h.ossbatch(["run", manifest, "--report", h.dir.path + "/b.json"])
        let took = second.ranFor
        #expect(second.exitCode == 4, "\(second.stderr)")
        // The issue asks for "within a second" (a release binary on an idle machine: well under); a debug
        // binary started while the whole suite loads a 2-core box gets slack — it must not wait for the run.
        #expect(took < .seconds(10), "the second run took \(took) to give up")
        print("overlapping run refused after \(took)")
        #expect(
            second.stderr.contains("error: busy: the batch of \(manifest) to bucket \(h.bucket)"),
            "\(second.stderr)"
        )
        #expect(second.stderr.contains("pid \(first.pid) on \(ProcessTable.hostName) (ossbatch run of \(manifest)"))
        h.server.faults.open(gate: gate)
        let result = await first.wait()
        #expect(result.exitCode == 0, "\(result.stderr)")
        try h.expectAllStoredExactly()
        #expect(
            !h.server.log.all.contains { $0.operation == .abortMultipartUpload },
            "no upload aborted by the other run"
        )
        try Self.expectOnlySent(by: h.dir.path + "/a.json", h)
        // The refused run is in its own report, which says nothing was done.
        let refused = try ReportStore.load(h.dir.path + "/b.json")
        #expect(refused.status == .fatal)
        #expect(refused.runs.count == 1)
        #expect(refused.runs.first?.exitCode == 4 && refused.runs.first?.error?.code == "Busy")
        #expect(refused.jobs.allSatisfy { $0.outcome.status == .pending })
    }

    /// A run refused as busy leaves its `--report PATH` and PATH's `.prev` as they were when PATH holds an
    /// earlier night: before, it moved PATH's report to `.prev` (dropping the one there) and wrote its refusal
    /// at PATH, so every overlap cost a night's report (review of 572eea5).
    @Test func aRunRefusedAsBusyLeavesTheReportsAtItsPathAsTheyWere() async throws {
        let h = try await EngineHarness.start("overlap-keeps-path")
        defer { Task { await h.stop() } }
        let manifest = try Self.slowBatch(h)
        let path = h.dir.path + "/p.json"
        for _ in 0..<2 { #expect(try await h.ossbatch(["run", manifest, "--report", path]).exitCode == 0) }
        let before = try [path, path + ".prev"].map { try Data(contentsOf: URL(fileURLWithPath: $0)) }

        // A part of this run stored (the nights above stored others): it holds the batch.
        let logStart = h.server.log.all.count
        let gate = h.hold()
        let first = try h.start(["run", manifest, "--report", h.dir.path + "/a.json", "--progress-interval", "3600"])
        #expect(
            await h.waitUntil(.seconds(120)) {
                h.server.log.all[logStart...].contains { $0.operation == .uploadPart && $0.status == 200 }
            }
        )
        let refused = try await h.ossbatch(["run", manifest, "--report", path])
        #expect(refused.exitCode == 4, "\(refused.stderr)")
        let after = try [path, path + ".prev"].map { try Data(contentsOf: URL(fileURLWithPath: $0)) }
        #expect(after == before, "the finished nights at PATH and PATH.prev are kept as they were")
        h.server.faults.open(gate: gate)
        #expect(await first.wait().exitCode == 0)
    }

    /// The same manifest through a linked directory or a link to the file is the same batch. Before, its
    /// lock was named by the path as typed: the second run went ahead and sent the whole batch again.
    @Test func aManifestReachedThroughASymbolicLinkIsTheSameBatchAndExitsBusy() async throws {
        let h = try await EngineHarness.start("overlap-link")
        defer { Task { await h.stop() } }
        let manifest = try Self.slowBatch(h)
        let linkedDirectory = h.dir.path + "/etc-link"
        let linkedFile = h.dir.path + "/nightly.yaml"
        try FileManager.default.createSymbolicLink(atPath: linkedDirectory, withDestinationPath: h.dir.path)
        try FileManager.default.createSymbolicLink(atPath: linkedFile, withDestinationPath: manifest)
        let gate = h.hold()
        let first = try h.start(["run", manifest, "--report", h.dir.path + "/a.json", "--progress-interval", "3600"])
        #expect(await h.waitUntil { h.somePartStored })
        let name = (manifest as NSString).lastPathComponent
        for (i, path) in [linkedDirectory + "/" + name, linkedFile].enumerated() {
            let second = try await h.ossbatch(["run", path, "--report", h.dir.path + "/b\(i).json"])
            #expect(second.exitCode == 4, "\(path): \(second.stderr)")
            // Refused by the batch's lock, before anything: not by the first key's (held by the first run too),
            // which a second batch meets only after its plan, its 5 s wait, and a report of its own to clean up.
            #expect(
                second.stderr.contains("error: busy: the batch of \(path) to bucket \(h.bucket)"),
                "\(second.stderr)"
            )
            #expect(second.stderr.contains("pid \(first.pid)"), "\(second.stderr)")
        }
        h.server.faults.open(gate: gate)
        let result = await first.wait()
        #expect(result.exitCode == 0, "\(result.stderr)")
        try h.expectAllStoredExactly()
        try Self.expectOnlySent(by: h.dir.path + "/a.json", h)
    }

    @Test func aProcessThatMeetsAHeldReportExitsBusyAndWritesNothingToIt() async throws {
        let h = try await EngineHarness.start("report-busy")
        defer { Task { await h.stop() } }
        let manifest = try Self.slowBatch(h, files: 2)
        let gate = h.hold()
        let first = try h.start(["run", manifest, "--report", h.reportPath, "--progress-interval", "3600"])
        #expect(await h.waitUntil { h.somePartStored })
        for command in [
            ["resume", h.reportPath], ["abort", h.reportPath], ["run", manifest, "--report", h.reportPath],
        ] {
            let busy = try await h.ossbatch(command)
            #expect(busy.exitCode == 4, "\(command): \(busy.stderr)")
            #expect(busy.stderr.contains("error: busy: the report \(h.reportPath) is in use by pid \(first.pid)"))
            #expect(busy.stderr.contains("kill -INT \(first.pid)"))
        }
        h.server.faults.open(gate: gate)
        #expect(await first.wait().exitCode == 0)
        // Only the run that held the report recorded itself in it.
        let report = try h.report()
        #expect(report.runs.map(\.command) == ["run"])
        #expect(report.status == .succeeded)
        try h.expectAllStoredExactly()
    }

    @Test func twoBatchesUploadingOneKeyNeverInterleave() async throws {
        let h = try await EngineHarness.start("key-busy")
        defer { Task { await h.stop() } }
        // One file whose upload outlasts the key-lock patience (5 s): 24 parts of 128 KiB, one at a time.
        try h.writeFile("big.bin", size: 3_000_000, seed: 7)
        h.server.faults.add(FaultRule(operation: .uploadPart, count: nil, action: .delay(milliseconds: 350)))
        let settings = ["concurrency: 1", "part_size: 128KiB", "multipart_threshold: 1MiB"]
        let x = try h.writeManifest("x.yaml", upload: settings)
        let y = try h.writeManifest("y.yaml", upload: settings)  // another manifest, the same key and source
        let gate = h.hold()
        let first = try h.start(["run", x, "--report", h.dir.path + "/x.json", "--progress-interval", "3600"])
        #expect(await h.waitUntil { h.somePartStored })
        let second = try await h.ossbatch(["run", y, "--report", h.dir.path + "/y.json"])
        #expect(second.exitCode == 4, "\(second.stderr)")
        #expect(second.stderr.contains("the key 'data/big.bin' of bucket \(h.bucket) is in use by pid \(first.pid)"))
        h.server.faults.open(gate: gate)
        #expect(await first.wait().exitCode == 0)
        let log = h.server.log.all
        #expect(log.filter { $0.operation == .initiateMultipartUpload }.count == 1, "the second batch never started")
        #expect(!log.contains { $0.operation == .abortMultipartUpload })
        try h.expectAllStoredExactly()
        let refused = try ReportStore.load(h.dir.path + "/y.json")
        #expect(refused.status == .fatal && refused.fatalError?.code == "KeyBusy")
        #expect(refused.runs.last?.exitCode == 4)
    }

    /// A key another batch is uploading is set aside, not waited for at the head of the queue: the night
    /// uploads every other file, then gives the key its patience and stops as busy with only that job left
    /// for `resume`. Before, the whole batch stopped after 5 s on the first such key, the rest never sent.
    @Test func aKeyAnotherBatchHoldsIsSetAsideAndEveryOtherFileGoesUp() async throws {
        let h = try await EngineHarness.start("key-set-aside")
        defer { Task { await h.stop() } }
        try h.writeFile("big.bin", size: 3_000_000, seed: 7)
        let settings = ["concurrency: 1", "part_size: 128KiB", "multipart_threshold: 1MiB"]
        let x = try h.writeManifest("x.yaml", upload: settings)
        let gate = h.hold()
        let first = try h.start(["run", x, "--report", h.dir.path + "/x.json", "--progress-interval", "3600"])
        #expect(await h.waitUntil { h.somePartStored })
        // The second batch's plan: big.bin (held by the first, first in key order) and three small files.
        for name in ["c1.txt", "c2.txt", "c3.txt"] { try h.writeFile(name, size: 1000, seed: 3) }
        let y = try h.writeManifest("y.yaml", upload: settings)
        let second = try await h.ossbatch(["run", y, "--report", h.dir.path + "/y.json"])
        #expect(second.exitCode == 4, "\(second.stderr)")
        #expect(second.stderr.contains("the key 'data/big.bin' of bucket \(h.bucket) is in use by pid \(first.pid)"))
        #expect(second.stderr.contains("set aside"), "\(second.stderr)")
        let refused = try ReportStore.load(h.dir.path + "/y.json")
        #expect(refused.status == .fatal && refused.fatalError?.code == "KeyBusy")
        #expect(refused.jobs.map(\.status) == [.pending, .succeeded, .succeeded, .succeeded])
        for name in ["c1.txt", "c2.txt", "c3.txt"] { #expect(h.storedMD5("data/" + name) != nil, "\(name)") }

        h.server.faults.open(gate: gate)
        #expect(await first.wait().exitCode == 0)
        let resumed = try await h.ossbatch(["resume", h.dir.path + "/y.json"])
        #expect(resumed.exitCode == 0, "\(resumed.stderr)")
        #expect(try ReportStore.load(h.dir.path + "/y.json").status == .succeeded)
        try h.expectAllStoredExactly()
    }

    @Test func aKilledRunLeavesNoLockBehindAndIsToldApartFromARunningOne() async throws {
        let h = try await EngineHarness.start("killed")
        defer { Task { await h.stop() } }
        let manifest = try Self.slowBatch(h)
        let gate = h.hold()
        let process = try h.start(["run", manifest, "--report", h.reportPath, "--progress-interval", "3600"])
        #expect(await h.waitUntil { h.somePartStored })
        // While it runs: the report names the process, and its lock says it is alive.
        let running = try h.report()
        #expect(running.status == .running)
        #expect(running.runs.last?.pid == process.pid && running.runs.last?.host == ProcessTable.hostName)
        guard case .running(let holder) = BatchLiveness.of(running, at: h.reportPath) else {
            Issue.record("a running batch should be running")
            return
        }
        #expect(holder.pid == process.pid && holder.command == "run")
        #expect(ReportLock.holder(of: h.reportPath)?.pid == process.pid)

        process.signal(SIGKILL)
        _ = await process.wait()
        h.server.faults.open(gate: gate)  // the killed run's held parts answer no one
        let killed = try h.report()
        #expect(killed.status == .running, "the report of a killed run still says running")
        guard case .crashed(let run?) = BatchLiveness.of(killed, at: h.reportPath) else {
            Issue.record("a killed batch should be crashed")
            return
        }
        #expect(run.pid == process.pid)
        #expect(ReportLock.holder(of: h.reportPath) == nil)

        // No stale lock: another run of the manifest starts at once (and says the last one was killed),
        // then resume finishes the killed batch.
        h.server.faults.removeAll()
        let other = try await h.ossbatch(["run", manifest, "--report", h.dir.path + "/other.json"])
        #expect(other.exitCode == 0, "\(other.stderr)")
        #expect(other.stderr.contains("ended without releasing its lock: it was killed"), "\(other.stderr)")
        // It continued the killed batch's uploads instead of leaving them open, and said so.
        let continued = try ReportStore.load(h.dir.path + "/other.json").jobs.filter {
            $0.outcome.warnings?.contains { $0.contains("which the batch of \(h.reportPath) started") } == true
        }
        #expect(!continued.isEmpty)
        let resumed = try await h.resume()
        #expect(resumed.exitCode == 0, "\(resumed.stderr)")
        #expect(resumed.stderr.contains("never ended: it was killed"), "\(resumed.stderr)")
        #expect(BatchLiveness.of(try h.report(), at: h.reportPath) == .ended(.succeeded))
        try h.expectAllStoredExactly()
    }
}
