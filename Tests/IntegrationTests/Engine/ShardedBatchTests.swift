import Foundation
import LocalOSS
import OSSBatch
import TestSupport
import Testing

/// A batch split into 4 shards run as 4 `ossbatch` processes, each given its shard the way its job engine
/// would (Kubernetes, Slurm, AWS Batch), one killed with -9 and resumed, then the reports merged.
@Suite struct ShardedBatchTests {
    /// 60 small files of various sizes and 3 multipart ones (4 MB, 128 KiB parts).
    static func sources(_ h: EngineHarness) throws {
        for n in 0..<60 { try h.writeFile("d\(n % 5)/f\(n).bin", size: 1 + n * 1_777, seed: UInt64(n)) }
        for n in 0..<3 { try h.writeFile("big/b\(n).bin", size: 4_000_000 + n, seed: UInt64(100 + n)) }
    }

    /// What each shard's engine sets: shard K of 4.
    static let engines: [[String: String?]] = [
        ["JOB_COMPLETION_INDEX": "0", "OSSBATCH_SHARD_COUNT": "4"],  // Kubernetes Indexed Job
        ["SLURM_ARRAY_TASK_ID": "2", "SLURM_ARRAY_TASK_MIN": "1", "SLURM_ARRAY_TASK_COUNT": "4"],  // --array=1-4
        ["AWS_BATCH_JOB_ARRAY_INDEX": "2", "AWS_BATCH_JOB_ARRAY_SIZE": "4"],  // AWS Batch array job
        ["JOB_COMPLETION_INDEX": "3"],  // Kubernetes, N on the command line (auto/4)
    ]

    func reportPath(_ h: EngineHarness, _ k: Int) -> String {
        h.dir.url.appendingPathComponent("reports/nightly.shard-\(k)-of-4.json").path
    }

    @Test func fourShardsOneKilledAndResumedMergeIntoEveryObjectOnceAndExact() async throws {
        let h = try await EngineHarness.start("shards")
        defer { Task { await h.stop() } }
        try Self.sources(h)
        let manifest = try h.writeManifest(
            upload: ["concurrency: 2", "part_size: 128KiB", "multipart_threshold: 1MiB"]
        )
        let report = h.dir.url.appendingPathComponent("reports/nightly.json").path
        // The biggest file goes to shard 0 (heaviest first, to the lowest index). Its first 3 parts go up,
        // the next ones are held for a minute: shard 0 is still uploading, its upload checkpointed, whenever
        // this test gets to look (a loaded machine may not run it for seconds).
        h.server.faults.add(
            FaultRule(
                operation: .uploadPart,
                keyContains: "b2.bin",
                skip: 3,
                count: nil,
                action: .delay(milliseconds: 60_000)
            )
        )
        var processes: [RunningProcess] = []
        for (k, engine) in Self.engines.enumerated() {
            let shard = k == 3 ? "auto/4" : "auto"
            processes.append(
                try h.start(
                    ["run", manifest, "--shard", shard, "--report", report, "--progress-interval", "3600"],
                    environment: engine
                )
            )
        }
        // Kill shard 0 once its upload of it is checkpointed (the parts the server holds are found by
        // ListParts on resume, written to the checkpoint or not).
        let checkpoints0 = h.checkpointDir + "/shard-0-of-4"
        let deadline = ContinuousClock.now + .seconds(50)
        while ContinuousClock.now < deadline && CheckpointStore(directory: checkpoints0).all().isEmpty {
            try await Task.sleep(for: .milliseconds(20))
        }
        #expect(!CheckpointStore(directory: checkpoints0).all().isEmpty, "shard 0 should checkpoint its upload")
        processes[0].signal(SIGKILL)
        let killed = await processes[0].wait()
        #expect(killed.signaled)
        h.server.faults.removeAll()
        for k in 1..<4 {
            let result = await processes[k].wait()
            #expect(result.exitCode == 0, "shard \(k): \(result.stderr)")
        }
        for k in 0..<4 { #expect(FileManager.default.fileExists(atPath: reportPath(h, k)), "shard \(k)'s report") }

        // Merging now names what is unfinished: the killed shard is still `running`.
        let early = try await h.ossbatch(["report", "merge"] + (0..<4).map { reportPath(h, $0) })
        #expect(early.exitCode == 1, "\(early.stderr)")
        #expect(early.stdout.hasPrefix("{\"format\":\"ossbatch-report/2\",\"status\":\"running\""))

        let resumed = try await h.ossbatch(["resume", reportPath(h, 0), "--progress-interval", "3600"])
        #expect(resumed.exitCode == 0, "\(resumed.stderr)")

        let merged = h.dir.url.appendingPathComponent("reports/merged.json").path
        let merge = try await h.ossbatch(
            ["report", "merge", "-o", merged] + (0..<4).reversed().map { reportPath(h, $0) }
        )
        #expect(merge.exitCode == 0, "\(merge.stderr)")
        let whole = try ReportStore.load(merged)
        let shards = try (0..<4).map { try ReportStore.load(reportPath(h, $0)) }
        let sources = try h.sources()
        #expect(whole.status == .succeeded)
        #expect(whole.shard == nil)
        #expect(whole.planID == shards[0].shard?.partitionID)
        #expect(whole.jobs.map(\.spec.key) == sources.map(\.key), "every key once, in key order")
        #expect(whole.jobs.allSatisfy { $0.outcome.status == .succeeded })
        #expect(whole.totals.jobs == sources.count && whole.totals.succeeded == sources.count)
        #expect(whole.totals.bytes == shards.reduce(0) { $0 + $1.totals.bytes })
        #expect(whole.upload.checkpointDir == h.checkpointDir)
        #expect(shards.allSatisfy { !$0.jobs.isEmpty }, "every shard had work")
        // One object per key, nothing else in the bucket, every one byte-exact.
        let listed = try await h.makeClient().listObjectsV2(bucket: h.bucket, prefix: "")
        #expect(listed.map(\.key).sorted() == sources.map(\.key))
        try h.expectAllStoredExactly()
        h.expectNoSecrets(in: [merge.stdout, merge.stderr, try String(contentsOfFile: merged, encoding: .utf8)])

        // The merge is run by no command: resumed, it took the batch's lock rather than a shard's and could
        // sweep a shard's open upload away as a stray; aborted, the same (review of ca63f16).
        let before = try Data(contentsOf: URL(fileURLWithPath: merged))
        h.server.stats.reset()
        for command in [["resume", merged], ["abort", merged]] {
            let refused = try await h.ossbatch(command)
            #expect(refused.exitCode == 2, "\(command[0]): \(refused.stderr)")
            #expect(refused.stderr.contains("was written by 'ossbatch report merge'"), "\(refused.stderr)")
        }
        #expect(h.server.stats.snapshot.requestsByOperation.isEmpty)
        #expect(try Data(contentsOf: URL(fileURLWithPath: merged)) == before)

        // The plan of shard 1 names it, as its report does.
        let plan = try await h.ossbatch(["plan", manifest, "--shard", "1/4", "--json"])
        #expect(plan.exitCode == 0, "\(plan.stderr)")
        #expect(plan.stdout.contains("\"shard\":{\"index\":1,\"count\":4,\"partition_id\":\"\(whole.planID)\"}"))
        #expect(plan.stdout.contains("\"plan_id\":\"\(shards[1].planID)\""))
    }

    @Test func reportsThatAreNotOneBatchsShardsAreNamedAndNothingIsWritten() async throws {
        let h = try await EngineHarness.start("shard-merge")
        defer { Task { await h.stop() } }
        try Self.sources(h)
        let manifest = try h.writeManifest()
        let report = h.dir.url.appendingPathComponent("reports/nightly.json").path
        for k in 0..<4 {
            let run = try await h.ossbatch(
                ["run", manifest, "--shard", "\(k)/4", "--report", report, "--progress-interval", "3600"]
            )
            #expect(run.exitCode == 0, "\(run.stderr)")
        }
        let paths = (0..<4).map { reportPath(h, $0) }
        let out = h.dir.url.appendingPathComponent("merged.json").path
        func merge(_ reports: [String]) async throws -> ProcessResult {
            try await h.ossbatch(["report", "merge", "-o", out] + reports)
        }
        /// A copy of shard `k`'s report with its first line edited.
        func forged(_ k: Int, _ name: String, _ edit: (String) -> String) throws -> String {
            let text = try String(contentsOfFile: paths[k], encoding: .utf8)
            let newline = text.firstIndex(of: "\n")!
            let path = h.dir.url.appendingPathComponent(name).path
            try (edit(String(text[..<newline])) + text[newline...]).write(
                toFile: path,
                atomically: true,
                encoding: .utf8
            )
            // Forged with a matching checksum: what is tested is the shard check behind it.
            try ReportSeal.reseal(path)
            return path
        }

        let missing = try await merge(Array(paths.prefix(3)))
        #expect(missing.exitCode == 2)
        #expect(missing.stderr.contains("missing: shard 3/4 of 4"), "\(missing.stderr)")

        let twice = try await merge(paths + [paths[2]])
        #expect(twice.exitCode == 2)
        #expect(twice.stderr.contains("\(paths[2]) and \(paths[2]) are both shard 2/4"), "\(twice.stderr)")

        let otherN = try forged(1, "other-n.json") { $0.replacingOccurrences(of: "\"count\":4,", with: "\"count\":5,") }
        let n = try await merge([paths[0], otherN, paths[2], paths[3]])
        #expect(n.exitCode == 2)
        #expect(n.stderr.contains("\(otherN) is shard 1/5 of 5 shards, \(paths[0]) of 4"), "\(n.stderr)")

        let otherPlan = try forged(2, "other-plan.json") {
            $0.replacingOccurrences(of: "\"partition_id\":\"", with: "\"partition_id\":\"0000")
        }
        let plan = try await merge([paths[0], paths[1], otherPlan, paths[3]])
        #expect(plan.exitCode == 2)
        #expect(plan.stderr.contains("\(otherPlan) is a shard of another plan"), "\(plan.stderr)")

        // Shard 0's jobs claimed as shard 1's: every key of shard 0 is in two shards.
        let copied = try forged(0, "copied.json") {
            $0.replacingOccurrences(of: "\"shard\":{\"index\":0,", with: "\"shard\":{\"index\":1,")
        }
        let twoShards = try await merge([paths[0], copied, paths[2], paths[3]])
        #expect(twoShards.exitCode == 2)
        let firstKey = try ReportStore.load(paths[0]).jobs[0].spec.key
        #expect(
            twoShards.stderr.contains("the key '\(firstKey)' is in shard 0/4 (\(paths[0])) and shard 1/4 (\(copied))")
        )

        let unsharded = try await h.ossbatch(["run", manifest, "--report", h.reportPath, "--progress-interval", "3600"])
        #expect(unsharded.exitCode == 0, "\(unsharded.stderr)")
        let whole = try await merge(paths + [h.reportPath])
        #expect(whole.exitCode == 2)
        #expect(whole.stderr.contains("\(h.reportPath) is not a shard's report"))
        #expect(!FileManager.default.fileExists(atPath: out), "nothing is written when the merge is refused")

        let good = try await merge(paths)
        #expect(good.exitCode == 0, "\(good.stderr)")
        #expect(try ReportStore.load(out).jobs.count == (try h.sources()).count)
    }

    /// `upload.shard_split: directories`: 4 shards as 4 processes, each planning only its directories' files;
    /// the merge holds every object once, exact; a shard split `balanced` does not merge with them.
    @Test func fourShardsSplitByDirectoriesUploadEveryObjectOnceAndMergeRefusesAMixOfSplits() async throws {
        let h = try await EngineHarness.start("shards-dirs")
        defer { Task { await h.stop() } }
        for n in 0..<48 { try h.writeFile("d\(n % 12)/e\(n % 2)/f\(n).bin", size: 1 + n * 977, seed: UInt64(n)) }
        try h.writeFile("top.txt", size: 10, seed: 99)
        try h.writeFile("big/b.bin", size: 2_000_000, seed: 100)
        let manifest = try h.writeManifest(
            upload: ["concurrency: 2", "part_size: 128KiB", "multipart_threshold: 1MiB", "shard_split: directories"]
        )
        let report = h.dir.url.appendingPathComponent("reports/nightly.json").path
        let processes = try (0..<4).map { k in
            try h.start(["run", manifest, "--shard", "\(k)/4", "--report", report, "--progress-interval", "3600"])
        }
        for (k, process) in processes.enumerated() {
            let result = await process.wait()
            #expect(result.exitCode == 0, "shard \(k): \(result.stderr)")
        }
        let paths = (0..<4).map { reportPath(h, $0) }
        let shards = try paths.map { try ReportStore.load($0) }
        #expect(shards.allSatisfy { $0.shard?.split == .directories })
        #expect(Set(shards.compactMap(\.shard?.partitionID)).count == 1)
        // Each shard's keys are those whose directory part hashes to it.
        for (k, shard) in shards.enumerated() {
            #expect(shard.jobs.allSatisfy { DirectorySplit.owner(ofKey: $0.spec.key, count: 4) == k })
        }
        #expect(shards.filter { !$0.jobs.isEmpty }.count >= 3, "26 directories spread over the shards")

        let merged = h.dir.url.appendingPathComponent("reports/merged.json").path
        let merge = try await h.ossbatch(["report", "merge", "-o", merged] + paths)
        #expect(merge.exitCode == 0, "\(merge.stderr)")
        let whole = try ReportStore.load(merged)
        let sources = try h.sources()
        #expect(whole.status == .succeeded && whole.shard == nil)
        #expect(whole.planID == shards[0].shard?.partitionID)
        #expect(whole.jobs.map(\.spec.key) == sources.map(\.key), "every key once, in key order")
        #expect(whole.totals.succeeded == sources.count)
        let listed = try await h.makeClient().listObjectsV2(bucket: h.bucket, prefix: "")
        #expect(listed.map(\.key).sorted() == sources.map(\.key))
        try h.expectAllStoredExactly()

        // The plan of a shard says how it was split and what its walk stat'ed: its own files only.
        let plan = try await h.ossbatch(["plan", manifest, "--shard", "1/4", "--json"])
        #expect(plan.exitCode == 0, "\(plan.stderr)")
        let own = shards[1].jobs.count
        #expect(plan.stdout.contains("\"split\":\"directories\",\"partition_id\":\"\(whole.planID)\"}"))
        #expect(plan.stdout.contains("\"examined_files\":\(own),\"other_shard_files\":\(sources.count - own)}"))
        let text = try await h.ossbatch(["plan", manifest, "--shard", "1/4"])
        #expect(text.stdout.contains("split by directories; entries below are this shard's"), "\(text.stdout)")
        #expect(text.stdout.contains("; \(own) files stat'ed"), "\(text.stdout)")

        // A shard missing, and one shard's jobs claimed by another: named as for a balanced split.
        let out = h.dir.url.appendingPathComponent("reports/refused.json").path
        let missing = try await h.ossbatch(["report", "merge", "-o", out] + paths.dropLast())
        #expect(missing.exitCode == 2 && missing.stderr.contains("missing: shard 3/4 of 4"), "\(missing.stderr)")
        let owner = try #require(shards.firstIndex { !$0.jobs.isEmpty })
        let other = (owner + 1) % 4
        let text0 = try String(contentsOfFile: paths[owner], encoding: .utf8)
        let copied = h.dir.url.appendingPathComponent("reports/copied.json").path
        try text0.replacingOccurrences(of: "\"shard\":{\"index\":\(owner),", with: "\"shard\":{\"index\":\(other),")
            .write(toFile: copied, atomically: true, encoding: .utf8)
        try ReportSeal.reseal(copied)
        var claimed = paths
        claimed[other] = copied
        let twice = try await h.ossbatch(["report", "merge", "-o", out] + claimed)
        #expect(twice.exitCode == 2)
        #expect(
            twice.stderr.contains("the key '\(shards[owner].jobs[0].spec.key)' is in shard"),
            "\(twice.stderr)"
        )
        #expect(!FileManager.default.fileExists(atPath: out))

        // Shard 2 again, split balanced: the merge names the mix and writes nothing.
        let balanced = try await h.ossbatch(
            ["run", manifest, "--shard", "2/4", "--set", "upload.shard_split=balanced", "--progress-interval", "3600"]
                + ["--report", h.dir.url.appendingPathComponent("reports/balanced.json").path]
        )
        #expect(balanced.exitCode == 0, "\(balanced.stderr)")
        let balancedPath = h.dir.url.appendingPathComponent("reports/balanced.shard-2-of-4.json").path
        let mixed = try await h.ossbatch(["report", "merge", "-o", out, paths[0], paths[1], balancedPath, paths[3]])
        #expect(mixed.exitCode == 2)
        #expect(
            mixed.stderr.contains(
                "\(balancedPath) is a shard of a 'balanced' split (upload.shard_split), \(paths[0]) of a 'directories' one"
            ),
            "\(mixed.stderr)"
        )
        #expect(!FileManager.default.fileExists(atPath: out))
    }

    /// `nightly.yaml` over a 2 MB file (in 128 KiB parts) and a small one: shard 0 of 2 gets the big one
    /// (heaviest first, to the lowest index), shard 1 the small one.
    static func nightlyBatch(_ h: EngineHarness) throws -> String {
        try h.writeFile("big.bin", size: 2_000_000, seed: 1)
        try h.writeFile("small.txt", size: 100, seed: 2)
        return try h.writeManifest(
            "nightly.yaml",
            upload: ["concurrency: 2", "part_size: 128KiB", "multipart_threshold: 1MiB"]
        )
    }

    /// A batch run with `--shard` and also without: `status NAME` shows both, and fails while the unsharded
    /// run is unfinished. Before, the shards' line hid the batch's own (a crashed run included): exit 0.
    @Test func statusOfABatchRunBothWithAndWithoutShardsShowsBoth() async throws {
        let h = try await EngineHarness.start("shard-status-both")
        defer { Task { await h.stop() } }
        let manifest = try Self.nightlyBatch(h)
        let progress = ["--progress-interval", "3600"]
        for shard in ["0/2", "1/2"] {
            let result = try await h.ossbatch(["run", manifest, "--shard", shard] + progress)
            #expect(result.exitCode == 0, "\(result.stderr)")
        }
        let gate = h.hold()
        let unsharded = try h.start(["run", manifest] + progress)
        // Held in its second part (the shards' parts were stored before).
        #expect(await h.waitUntil { h.server.stats.snapshot.requestsInFlight > 0 })
        await h.interrupt(unsharded)
        h.server.faults.open(gate: gate)
        let interrupted = await unsharded.wait()
        #expect(interrupted.exitCode == 130, "\(interrupted.stderr)")

        let result = try await h.ossbatch(["status", "nightly", "--json"])
        #expect(result.exitCode == 1, "\(result.stdout)")
        let document = try #require(
            try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any],
            "\(result.stdout)"
        )
        let lines = try #require(document["batches"] as? [[String: Any]])
        #expect(lines.map { $0["batch"] as? String } == ["nightly", "nightly"], "\(lines)")
        #expect(Set(lines.map { $0["status"] as? String ?? "" }) == ["interrupted", "succeeded"], "\(lines)")
        #expect(lines.filter { $0["shard_count"] as? Int == 2 }.count == 1)
    }

    /// Each shard is a batch of its own on the machine: two shards of one batch run side by side, the same
    /// shard twice does not (exit 4); default reports go to `STATE/BATCH.shard-K-of-N/reports/`, `status`
    /// shows each shard, and `uploads --abort` leaves an interrupted shard's upload (checkpointed in
    /// `checkpoint_dir/shard-K-of-N/`) to its `resume`.
    @Test func eachShardIsABatchOfItsOwnForLocksDefaultReportsStatusAndStrayUploads() async throws {
        let h = try await EngineHarness.start("shard-state")
        defer { Task { await h.stop() } }
        let manifest = try Self.nightlyBatch(h)
        h.server.faults.add(FaultRule(operation: .uploadPart, skip: 2, count: nil, action: .hold(gate: "parts")))
        let progress = ["--progress-interval", "3600"]
        let first = try h.start(["run", manifest, "--shard", "0/2"] + progress)
        #expect(
            await h.waitUntil(.seconds(60)) {
                !CheckpointStore(directory: h.checkpointDir + "/shard-0-of-2").all().isEmpty
            }
        )

        let again = try await h.ossbatch(["run", manifest, "--shard", "0/2"] + progress)
        #expect(again.exitCode == 4, "\(again.stderr)")
        #expect(again.stderr.contains("shard-0-of-2 of the batch of \(manifest)"), "\(again.stderr)")
        let other = try await h.ossbatch(["run", manifest, "--shard", "1/2"] + progress)
        #expect(other.exitCode == 0, "\(other.stderr)")

        await h.interrupt(first)
        #expect(await first.wait().exitCode == 130)
        h.server.faults.open(gate: "parts")
        let open = try await h.makeClient().listMultipartUploads(bucket: h.bucket, prefix: "")
        #expect(open.count == 1)

        let sweep = try await h.ossbatch(["uploads", manifest, "--abort"])
        #expect(sweep.exitCode == 0, "\(sweep.stderr)")
        #expect(
            try await h.makeClient().listMultipartUploads(bucket: h.bucket, prefix: "").map(\.uploadID)
                == open.map(\.uploadID),
            "the interrupted shard's upload is left to its resume"
        )

        let state = StateDirectory(path: h.stateDir)
        // One line for the batch, the most pressing shard's status, with each shard's detail.
        let (exit, _, batches) = try await StatusCommandTests.statusJSON(h)
        #expect(exit == 1)
        let nightly = try #require(batches["nightly"])
        #expect(nightly["status"] as? String == "interrupted" && nightly["shard_count"] as? Int == 2)
        let shards = try #require(nightly["shards"] as? [[String: Any]])
        #expect(shards.map { $0["batch"] as? String } == ["nightly.shard-0-of-2", "nightly.shard-1-of-2"])
        #expect(shards.map { $0["status"] as? String } == ["interrupted", "succeeded"])
        #expect((nightly["totals"] as? [String: Any])?["jobs"] as? Int == 2)
        let table = try await h.ossbatch(["status"])
        #expect(table.stdout.contains("\nnightly ") && table.stdout.contains("  shard 0/2 "), "\(table.stdout)")
        #expect(table.stdout.contains("  shard 1/2 "))
        let report0 = try #require(state.reports(ofBatch: "nightly.shard-0-of-2").first)
        #expect(report0.hasPrefix(h.stateDir + "/nightly.shard-0-of-2/reports/ossbatch-report-"))
        #expect(state.reports(ofBatch: "nightly").isEmpty)

        let resumed = try await h.ossbatch(["resume", report0] + progress)
        #expect(resumed.exitCode == 0, "\(resumed.stderr)")
        try h.expectAllStoredExactly()
        #expect(try await h.makeClient().listMultipartUploads(bucket: h.bucket, prefix: "").isEmpty)
    }

    /// Shard `k` of 2's report under `reports/` (`--report reports/nightly.json`).
    func reportPath2(_ h: EngineHarness, _ k: Int) -> String {
        h.dir.url.appendingPathComponent("reports/nightly.shard-\(k)-of-2.json").path
    }

    /// A batch with a shard missing is `incomplete`, not `succeeded` (its totals are one shard's); shards of
    /// different plans (a file added between the shards' plans) are `incomplete` too, exit 1, with a problem
    /// naming the shards and what the merge says. Before, status added them up into `succeeded`, exit 0.
    @Test func statusOfShardsMissingOrOfDifferentPlansIsIncompleteAndExits1() async throws {
        let h = try await EngineHarness.start("shard-status-plans")
        defer { Task { await h.stop() } }
        let manifest = try Self.nightlyBatch(h)
        let progress = ["--progress-interval", "3600"]
        let shard0 = try await h.ossbatch(["run", manifest, "--shard", "0/2"] + progress)
        #expect(shard0.exitCode == 0, "\(shard0.stderr)")

        let missing = try await StatusCommandTests.statusJSON(h, ["nightly"])
        #expect(missing.exit == 1)
        #expect(missing.batches["nightly"]?["status"] as? String == "incomplete", "\(missing.document)")
        #expect(
            (missing.batches["nightly"]?["problem"] as? String)?.contains("1 of its 2 shards have no report") == true
        )
        let table = try await h.ossbatch(["status", "nightly"])
        #expect(table.stdout.contains(" incomplete "), "\(table.stdout)")
        // On a machine that runs shard 0 only (shard 1 on another, with its own state directory): judged by
        // the shard here, succeeded, exit 0; the other shard counted, not missing.
        let here = try await StatusCommandTests.statusJSON(h, ["nightly", "--shards-here"])
        #expect(here.exit == 0, "\(here.document)")
        #expect(here.batches["nightly"]?["status"] as? String == "succeeded", "\(here.document)")
        #expect(here.batches["nightly"]?["shards_elsewhere"] as? Int == 1)
        #expect(here.batches["nightly"]?["problem"] == nil)
        let hereTable = try await h.ossbatch(["status", "--shards-here"])
        #expect(hereTable.exitCode == 0 && hereTable.stdout.contains(" succeeded "), "\(hereTable.stdout)")
        #expect(hereTable.stdout.contains("nightly: 1 of its 2 shards have no report here (--shards-here"))

        // Shard 1 plans after a file was added: another partition, which may leave a file to no shard.
        try h.writeFile("later.txt", size: 50, seed: 9)
        let shard1 = try await h.ossbatch(["run", manifest, "--shard", "1/2"] + progress)
        #expect(shard1.exitCode == 0, "\(shard1.stderr)")
        let mixed = try await StatusCommandTests.statusJSON(h, ["nightly"])
        #expect(mixed.exit == 1, "\(mixed.document)")
        let nightly = try #require(mixed.batches["nightly"])
        #expect(nightly["status"] as? String == "incomplete")
        let problem = try #require(nightly["problem"] as? String)
        #expect(
            problem.contains("its shards' reports come from different plans: shard 0/2 (partition_id "),
            "\(problem)"
        )
        #expect(problem.contains("; shard 1/2 (partition_id ") && problem.contains("a shard of another plan"))
        #expect(problem.contains("Run the whole batch again"))

        let state = StateDirectory(path: h.stateDir)
        let reports = try (0..<2).map { try #require(state.reports(ofBatch: "nightly.shard-\($0)-of-2").first) }
        let merge = try await h.ossbatch(["report", "merge"] + reports)
        #expect(merge.exitCode == 2 && merge.stderr.contains("is a shard of another plan"), "\(merge.stderr)")
    }

    /// A shard that did not run tonight leaves last night's report where tonight's would be: under dated keys
    /// (`shard_split: directories`, whose partition does not depend on the night), `report merge` refuses it and
    /// `status` says `incomplete`, exit 1, naming the nights. Before, both took the mix for a `succeeded` night,
    /// exit 0, with that shard's files of tonight never uploaded (review of 486a92e).
    @Test func shardsOfTwoNightsAreNeitherMergedNorAddedUpIntoASucceededBatch() async throws {
        let h = try await EngineHarness.start("shard-two-nights")
        defer { Task { await h.stop() } }
        for n in 0..<6 { try h.writeFile("d\(n)/f.bin", size: 100 + n, seed: UInt64(n)) }
        let manifest = try h.writeManifest("nightly.yaml", upload: ["shard_split: directories"], prefix: "snap/{date}/")
        let report = h.dir.url.appendingPathComponent("reports/nightly.json").path
        let progress = ["--progress-interval", "3600"]
        func night(_ at: String, shards: [Int], _ more: [String] = []) async throws {
            for k in shards {
                let ran = try await h.ossbatch(
                    ["run", manifest, "--shard", "\(k)/2"] + more + progress,
                    environment: ["OSSBATCH_NOW": at]
                )
                #expect(ran.exitCode == 0, "\(ran.stderr)")
            }
        }
        try await night("2026-12-01T03:00:00Z", shards: [0, 1], ["--report", report])
        try await night("2026-12-02T03:00:00Z", shards: [0], ["--report", report])  // shard 1 never starts
        let merge = try await h.ossbatch(["report", "merge", reportPath2(h, 0), reportPath2(h, 1)])
        #expect(merge.exitCode == 2, "\(merge.stderr)")
        #expect(merge.stderr.contains("the shards are not of one night"), "\(merge.stderr)")
        #expect(merge.stderr.contains("shard 0/2 under snap/2026-12-02/; shard 1/2 under snap/2026-12-01/"))

        // The same in the state directory's reports (no --report): status adds them up into no `succeeded`.
        try await night("2026-12-01T03:00:00Z", shards: [0, 1])
        try await night("2026-12-02T03:00:00Z", shards: [0])
        let status = try await StatusCommandTests.statusJSON(h, ["nightly"])
        #expect(status.exit == 1, "\(status.document)")
        #expect(status.batches["nightly"]?["status"] as? String == "incomplete", "\(status.document)")
        #expect((status.batches["nightly"]?["problem"] as? String)?.contains("not of one night") == true)
    }

    /// Without placeholders in the keys the nights are told apart by when the shards' plans were made: more than
    /// 12 hours apart is refused by the merge (the report of shard 1 made a day earlier here).
    @Test func shardsPlannedADayApartAreNotMerged() async throws {
        let h = try await EngineHarness.start("shard-day-apart")
        defer { Task { await h.stop() } }
        let manifest = try Self.nightlyBatch(h)
        let report = h.dir.url.appendingPathComponent("reports/nightly.json").path
        for k in 0..<2 {
            let ran = try await h.ossbatch(["run", manifest, "--shard", "\(k)/2", "--report", report])
            #expect(ran.exitCode == 0, "\(ran.stderr)")
        }
        let together = try await h.ossbatch(["report", "merge", reportPath2(h, 0), reportPath2(h, 1)])
        #expect(together.exitCode == 0, "\(together.stderr)")
        var earlier = try ReportStore.load(reportPath2(h, 1))
        let made = try #require(Timestamp.parse(earlier.createdAt))
        earlier.createdAt = Timestamp.iso8601(made.addingTimeInterval(-86_400))
        try ReportStore.writeReport(earlier, to: reportPath2(h, 1))
        let apart = try await h.ossbatch(["report", "merge", reportPath2(h, 0), reportPath2(h, 1)])
        #expect(apart.exitCode == 2, "\(apart.stderr)")
        #expect(apart.stderr.contains("24 hours apart"), "\(apart.stderr)")
    }

    /// `status` of a merged report reads each shard's own last run: a shard still running when merged makes
    /// it `incomplete` (not `crashed` under the pid of the shard that started last), naming the shard and its
    /// process, with no `resume` of the merge advised; a shard whose last run exited 1 is a problem even when
    /// another shard's run started later. And `report merge -o` refuses to write over one of its inputs
    /// (by file identity) or over an unfinished report.
    @Test func statusOfAMergedReportJudgesEachShardByItsOwnLastRun() async throws {
        let h = try await EngineHarness.start("shard-status-merged")
        defer { Task { await h.stop() } }
        let manifest = try Self.nightlyBatch(h)
        let report = h.dir.url.appendingPathComponent("reports/nightly.json").path
        let merged = h.dir.url.appendingPathComponent("reports/merged.json").path
        let progress = ["--progress-interval", "3600"]
        let paths = (0..<2).map { reportPath2(h, $0) }

        // Shard 0 (the 2 MB file) is held in its third part; shard 1 starts after it and finishes.
        h.server.faults.add(FaultRule(operation: .uploadPart, skip: 2, count: nil, action: .hold(gate: "parts")))
        let first = try h.start(["run", manifest, "--shard", "0/2", "--report", report] + progress)
        #expect(
            await h.waitUntil(.seconds(60)) {
                !CheckpointStore(directory: h.checkpointDir + "/shard-0-of-2").all().isEmpty
            }
        )
        let second = try await h.ossbatch(["run", manifest, "--shard", "1/2", "--report", report] + progress)
        #expect(second.exitCode == 0, "\(second.stderr)")

        // The output may not be an input, however it is spelt, nor an unfinished report: nothing written.
        let before = try Data(contentsOf: URL(fileURLWithPath: paths[0]))
        let sameFile = h.dir.url.appendingPathComponent("reports/../reports/./nightly.shard-0-of-2.json").path
        let overInput = try await h.ossbatch(["report", "merge", "-o", sameFile] + paths)
        #expect(overInput.exitCode == 2, "\(overInput.stderr)")
        #expect(overInput.stderr.contains("is \(paths[0]), one of the reports being merged"), "\(overInput.stderr)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: paths[0])) == before)
        let unfinished = h.dir.url.appendingPathComponent("reports/unfinished.json").path
        let text = try String(contentsOfFile: paths[0], encoding: .utf8)
        try text.replacing(/"shard":\{[^}]*\},/, with: "").write(toFile: unfinished, atomically: true, encoding: .utf8)
        try ReportSeal.reseal(unfinished)
        let unfinishedBefore = try Data(contentsOf: URL(fileURLWithPath: unfinished))
        let overUnfinished = try await h.ossbatch(["report", "merge", "-o", unfinished] + paths)
        #expect(overUnfinished.exitCode == 2, "\(overUnfinished.stderr)")
        #expect(overUnfinished.stderr.contains("\(unfinished) holds an unfinished batch"), "\(overUnfinished.stderr)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: unfinished)) == unfinishedBefore)

        let early = try await h.ossbatch(["report", "merge", "-o", merged] + paths)
        #expect(early.exitCode == 1, "\(early.stderr)")
        let running = try await StatusCommandTests.statusJSON(h, [merged])
        #expect(running.exit == 1)
        let line = try #require(running.document["batches"] as? [[String: Any]]).first ?? [:]
        #expect(line["status"] as? String == "incomplete", "\(line)")
        #expect(line["next"] == nil, "a merged report is not resumed: its shards are")
        let problem = try #require(line["problem"] as? String)
        #expect(problem.contains("shard 0/2's run (pid \(first.pid)"), "\(problem)")
        #expect(problem.contains("merge the shards again"))
        let table = try await h.ossbatch(["status", merged])
        #expect(!table.stdout.contains("crashed"), "\(table.stdout)")

        h.server.faults.open(gate: "parts")
        #expect(await first.wait().exitCode == 0)
        // Merged again over the earlier (unfinished) merge: allowed, and now it succeeded; the earlier merge
        // is kept as PATH.prev, as `run --report` keeps the report it replaces.
        let earlier = try Data(contentsOf: URL(fileURLWithPath: merged))
        let again = try await h.ossbatch(["report", "merge", "-o", merged] + paths)
        #expect(again.exitCode == 0, "\(again.stderr)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: merged + ".prev")) == earlier)
        let done = try await StatusCommandTests.statusJSON(h, [merged])
        #expect(done.exit == 0, "\(done.document)")
        let runs = try ReportStore.load(merged).runs
        #expect(runs.map { $0.shard?.index } == [0, 1], "each run names its shard")

        // A shard killed after its last job's journal line, before its report's last write: every job done,
        // the report `running`, its run without an end. The merge says so and exits 1 (it exited 0: the
        // totals alone were looked at, and `merge && archive` took the night for done; review of ca63f16).
        var killed = try ReportStore.load(paths[1])
        killed.status = .running
        killed.runs[killed.runs.count - 1].finishedAt = nil
        killed.runs[killed.runs.count - 1].exitCode = nil
        let killedPath = h.dir.url.appendingPathComponent("killed/nightly.shard-1-of-2.json").path
        try FileManager.default.createDirectory(
            atPath: (killedPath as NSString).deletingLastPathComponent,
            withIntermediateDirectories: true
        )
        try ReportStore.writeReport(killed, to: killedPath)
        let afterKill = try await h.ossbatch(["report", "merge", paths[0], killedPath])
        #expect(afterKill.exitCode == 1, "\(afterKill.stderr)")
        #expect(afterKill.stderr.contains("the merged batch is not finished"), "\(afterKill.stderr)")
    }

    /// A shard whose run skipped a file it could not read exits 1; once another shard's run started after it,
    /// the merged report's last run exits 0, which hid the shard's exit 1 from `status` (exit 0). The merge
    /// itself exits 1 for it too (review of 486a92e: it exited 0).
    @Test func aMergeAndItsStatusFlagAShardWhoseLastRunExited1() async throws {
        let h = try await EngineHarness.start("shard-status-exit1")
        defer { Task { await h.stop() } }
        for n in 0..<6 { try h.writeFile("d\(n)/f.bin", size: 100 + n, seed: UInt64(n)) }
        let link = h.dir.url.appendingPathComponent("src/gone.bin").path
        #expect(symlink("/nonexistent/target", link) == 0)
        let manifest = try h.writeManifest("nightly.yaml", extraEntryLines: ["follow_symlinks: true"])
        let report = h.dir.url.appendingPathComponent("reports/nightly.json").path
        let progress = ["--progress-interval", "3600"]
        var exits: [Int32] = []
        for k in 0..<2 {
            exits.append(
                try await h.ossbatch(["run", manifest, "--shard", "\(k)/2", "--report", report] + progress).exitCode
            )
        }
        let exited1 = try #require(exits.firstIndex(of: 1), "the broken link makes a shard exit 1: \(exits)")
        // Every other shard is resumed after it (nothing to do, exit 0): the merged report's last run.
        for k in 0..<2 where k != exited1 {
            let resumed = try await h.ossbatch(["resume", reportPath2(h, k)] + progress)
            #expect(resumed.exitCode == 0, "\(resumed.stderr)")
        }
        let merged = h.dir.url.appendingPathComponent("reports/merged.json").path
        // The merge exits 1 as the unsharded run of the tree would (it exited 0: `merge && archive` took the night
        // for done), and writes the merged report all the same.
        let merge = try await h.ossbatch(["report", "merge", "-o", merged] + (0..<2).map { reportPath2(h, $0) })
        #expect(merge.exitCode == 1, "\(merge.stderr)")
        #expect(merge.stderr.contains("shard \(exited1)/2's last run exited 1"), "\(merge.stderr)")
        #expect(try ReportStore.load(merged).runs.last?.exitCode == 0)
        let status = try await StatusCommandTests.statusJSON(h, [merged])
        #expect(status.exit == 1, "\(status.document)")
        let line = try #require(status.document["batches"] as? [[String: Any]]).first ?? [:]
        #expect(line["status"] as? String == "succeeded")
        #expect((line["problem"] as? String)?.contains("shard \(exited1)/2's last run exited 1") == true, "\(line)")
    }
}
